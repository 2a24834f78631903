"""The OpenAPI 3 schema validates, names every endpoint the URLconf has, and its docs load from the app."""

from __future__ import annotations

import json
import re

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from openapi_spec_validator import validate

import reportsite.urls  # noqa: F401  (registers the week converter the API's routes use)
from api.urls import v1
from tests.api.endpoints import ENDPOINTS


@pytest.fixture(scope="module")
def schema():
    # Generated once for the module, as /api/schema/ generates it (that view is checked below).
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


@pytest.mark.django_db
def test_schema_endpoint_serves_the_schema(client_for, member):
    response = client_for(member).get("/api/schema/?format=json")
    assert response.status_code == 200
    assert "/api/v1/kpi-values/" in response.json()["paths"]


def test_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate(schema)  # raises on any violation of the OpenAPI 3 specification


def _as_schema_path(pattern) -> str:
    text = str(pattern.pattern)
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", text.replace("^", "").replace("$", ""))
    text = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", text)
    # drf-spectacular names a primary key {id}.
    return "/api/v1/" + text.replace("{pk}", "{id}")


def test_schema_covers_every_url_of_the_api(schema):
    routes = {_as_schema_path(pattern) for pattern in v1 if "format" not in str(pattern.pattern)}
    assert routes == set(schema["paths"])


def test_permission_matrix_covers_every_operation_in_the_schema(schema):
    operations = {
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "put", "patch", "post", "delete"}
    }
    assert operations == {(endpoint.method, endpoint.template) for endpoint in ENDPOINTS}


def test_every_operation_documents_bearer_tokens_and_write_refusals(schema):
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert {"bearerAuth": []} in operation["security"], (method, path)
            if method != "get":
                assert {"400", "403", "409", "412"} <= set(operation["responses"]), (method, path)


def test_decimals_are_strings_in_the_schema(schema):
    value = schema["components"]["schemas"]["KPIValue"]["properties"]["value"]
    assert value["type"] == "string"
    assert value["format"] == "decimal"


@pytest.mark.django_db
def test_docs_page_loads_its_assets_from_the_app(client_for, member):
    response = client_for(member).get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in source for source in sources)
    assert all(source.startswith("/") for source in sources), sources
