"""How the OpenAPI schema describes the bearer token (drf-spectacular finds this when api is ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "rsk_…",
            "description": "A personal token from /api/tokens/ or `manage.py create_api_token`.",
        }
