"""The API instance: error rendering, the error-code catalogue in the OpenAPI document, and routers."""

from django.utils.module_loading import autodiscover_modules
from ninja import NinjaAPI, Schema
from ninja.operation import Operation

from memberarea.core.brand import brand as brand_info
from memberarea.core.errors import REGISTRY

from . import declared, errors
from .account import router as account_router
from .captcha import router as captcha_router
from .enrollment import router as enrollment_router
from .login import router as login_router
from .members import router as members_router
from .privacy_consent import router as privacy_consent_router
from .privacy_disclosures import router as privacy_disclosures_router
from .privacy_holdings import router as privacy_holdings_router
from .privacy_notices import router as privacy_notices_router
from .privacy_processors import router as privacy_processors_router
from .privacy_requests import router as privacy_requests_router
from .recovery import router as recovery_router
from .registration import router as registration_router
from .security import router as security_router
from .sessions import router as sessions_router

LOCAL_DEFINITIONS, COMPONENTS = "#/$defs/", "#/components/schemas/"


class MemberAreaAPI(NinjaAPI):
    def operations(self) -> dict[str, Operation]:
        """Every operation as bound to this API (auth resolved), by its OpenAPI operation id."""
        return {
            operation.operation_id or self.get_openapi_operation_id(operation): operation
            for bound in self._get_bound_routers()
            for path_view in bound.path_operations.values()
            for operation in path_view.operations
        }

    def get_openapi_schema(self, *args, **kwargs):
        autodiscover_modules("errors")  # each app's errors.py: the catalogue does not hang on import order
        schema = super().get_openapi_schema(*args, **kwargs)
        operations = self.operations()
        for path_item in schema["paths"].values():
            for documented in path_item.values():
                codes = declared.operation_codes(operations[documented["operationId"]])
                documented["responses"].update(declared.error_responses(codes))
        schema["info"]["x-error-codes"] = [
            {"code": code.code, "status": code.status, "message": str(code.message)}
            for code in sorted(REGISTRY.values(), key=lambda c: (c.status, c.code))
        ]
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorResponse"] = errors.ErrorResponse.model_json_schema()
        _hoist_definitions(schema, components)
        return schema


def _hoist_definitions(document: dict, components: dict) -> None:
    """Move every schema's local `$defs` (pydantic's, in a hand-given request body or the error
    shape) into the components and point its references (`$ref`, a discriminator's mapping) there."""
    found: dict = {}

    def collect(node: object) -> None:
        if isinstance(node, dict):
            found.update(node.pop("$defs", {}))
            nodes: list = list(node.values())
        else:
            nodes = node if isinstance(node, list) else []
        for value in nodes:
            collect(value)

    def point(node: object) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            if isinstance(value, str) and value.startswith(LOCAL_DEFINITIONS):
                node[key] = COMPONENTS + value.removeprefix(LOCAL_DEFINITIONS)  # type: ignore[index]
            else:
                point(value)

    collect(document)
    collect(found)  # a definition may carry definitions of its own
    components.update(found)
    point(document)


api = MemberAreaAPI(
    title="memberarea API",
    version="1",
    description="The member area's flows for the mobile app. Every error is "
    '{"error": {"code", "message", "fields"}}. Each operation lists the codes it can answer under each error '
    "status (`x-error-codes` in that response); `info.x-error-codes` lists every code with its HTTP status. "
    "Every operation may answer `server_error` (500) and `service_unavailable` (503, with Retry-After); one "
    "with a JSON body also `invalid` (400), `payload_too_large` (413) and `unsupported_media_type` (415, "
    "send `Content-Type: application/json`); one that needs a token also `unauthenticated` (401). A string with "
    "NUL or an unpaired UTF-16 surrogate, anywhere in a body, is `invalid` on its field. Answers are "
    "`Cache-Control: no-store`, this document aside.",
    urls_namespace="api",
    docs_url=None,  # the interactive docs load scripts from a CDN; the JSON document is enough
)
errors.install(api)
api.add_router("/enrollment", enrollment_router)
api.add_router("/registration", registration_router)
api.add_router("", recovery_router)
api.add_router("", login_router)
api.add_router("", account_router)
api.add_router("", sessions_router)
api.add_router("", security_router)
api.add_router("", members_router)
api.add_router("/privacy", privacy_consent_router)
api.add_router("", privacy_holdings_router)
api.add_router("", privacy_requests_router)
api.add_router("", privacy_disclosures_router)
api.add_router("/captcha", captcha_router)
api.add_router("/privacy/notices", privacy_notices_router)
api.add_router("/privacy", privacy_processors_router)


class BrandOut(Schema):
    name: str
    legal_entity: str
    address: str
    primary_colour: str
    accent_colour: str
    support_email: str
    support_phone: str
    support_hours: str
    international_email: str
    international_phone: str
    privacy_email: str


@api.get("/brand", response=BrandOut, tags=["configuration"], summary="Brand and contact points for the app")
@declared.raises()
def brand(request):
    return brand_info()


declared.check(api.operations())
