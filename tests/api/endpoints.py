"""Every API operation with a sample request against the `world` fixture: the permission matrix's rows.

tests/api/test_schema.py checks that this list and the OpenAPI schema name the same operations.
"""

from __future__ import annotations

from dataclasses import dataclass

WEEK_URL = "/api/v1/teams/payments/weeks/2024-W33/"


@dataclass(frozen=True)
class Endpoint:
    method: str
    template: str  # as the schema writes the path
    writes: bool
    ok: int = 200

    def url(self, world) -> str:
        url = (
            self.template.replace("{team}", "payments")
            .replace("{week}", "2024-W33")
            .replace("{slug}", "payments")
            .replace("{starts_on}", "2024-08-12")
            .replace("{kpi}", str(world["rate"].pk))
            .replace("{key_result}", str(world["key_result"].pk))
        )
        return url.replace("{id}", str(self._id(world))) if "{id}" in url else url

    def _id(self, world) -> int:
        for prefix, key in (
            ("/api/v1/kpis/", "rate"),
            ("/api/v1/kpi-values/", "value"),
            ("/api/v1/objectives/", "key_result"),
            ("/api/v1/key-results/", "key_result"),
            ("/api/v1/key-result-updates/", "update"),
            ("/api/v1/incidents/", "incident"),
        ):
            if self.template.startswith(prefix):
                obj = world[key]
                return obj.objective_id if prefix == "/api/v1/objectives/" else obj.pk
        raise AssertionError(self.template)

    def body(self, world):
        if self.template.endswith("/kpi-values/") and self.writes:
            return {
                "values": [
                    {"kpi": world["rate"].pk, "value": "99.998"},
                    {"kpi": world["bugs"].pk, "value": 9},
                ]
            }
        if "/kpi-values/{kpi}/" in self.template:
            return {"value": "99.5", "note": "pushed by monitoring"}
        if "/key-results/{key_result}/" in self.template:
            return {"progress": "85", "status": "at_risk", "note": "waiting on the bank"}
        if self.method == "POST":
            return {
                "team": "payments",
                "started_at": "2024-08-13T10:00:00+08:00",
                "description": "支付超时",
                "grade": "D",
            }
        if self.method == "PUT":
            return {
                "started_at": "2024-08-12T09:27:00+08:00",
                "description": "POS卡类型试算失败",
                "grade": "C",
            }
        if self.method == "PATCH":
            return {"resolved_at": "2024-08-12T10:56:00+08:00"}
        return None


def _reads(*templates):
    return [Endpoint("GET", template, writes=False) for template in templates]


ENDPOINTS = [
    *_reads(
        "/api/v1/teams/",
        "/api/v1/teams/{slug}/",
        "/api/v1/weeks/",
        "/api/v1/weeks/{starts_on}/",
        "/api/v1/kpis/",
        "/api/v1/kpis/{id}/",
        "/api/v1/kpi-values/",
        "/api/v1/kpi-values/{id}/",
        "/api/v1/objectives/",
        "/api/v1/objectives/{id}/",
        "/api/v1/key-results/",
        "/api/v1/key-results/{id}/",
        "/api/v1/key-result-updates/",
        "/api/v1/key-result-updates/{id}/",
        "/api/v1/incidents/",
        "/api/v1/incidents/{id}/",
        "/api/v1/teams/{team}/weeks/{week}/",
    ),
    Endpoint("PUT", "/api/v1/teams/{team}/weeks/{week}/kpi-values/", writes=True),
    Endpoint("PUT", "/api/v1/teams/{team}/weeks/{week}/kpi-values/{kpi}/", writes=True),
    Endpoint("PUT", "/api/v1/teams/{team}/weeks/{week}/key-results/{key_result}/", writes=True),
    Endpoint("POST", "/api/v1/incidents/", writes=True, ok=201),
    Endpoint("PUT", "/api/v1/incidents/{id}/", writes=True),
    Endpoint("PATCH", "/api/v1/incidents/{id}/", writes=True),
]
WRITES = [endpoint for endpoint in ENDPOINTS if endpoint.writes]


def call(client, endpoint: Endpoint, world, **headers):
    url = endpoint.url(world)
    if endpoint.method == "GET":
        return client.get(url, **headers)
    return getattr(client, endpoint.method.lower())(url, endpoint.body(world), **headers)
