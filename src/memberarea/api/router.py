"""The API instance: error rendering, the error-code catalogue in the OpenAPI document, and routers."""

from ninja import NinjaAPI, Schema

from memberarea.core.brand import brand as brand_info
from memberarea.core.errors import REGISTRY

from . import errors
from .account import router as account_router
from .captcha import router as captcha_router
from .enrollment import router as enrollment_router
from .login import router as login_router
from .members import router as members_router
from .recovery import router as recovery_router
from .registration import router as registration_router
from .sessions import router as sessions_router


class MemberAreaAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema["info"]["x-error-codes"] = [
            {"code": code.code, "status": code.status, "message": str(code.message)}
            for code in sorted(REGISTRY.values(), key=lambda c: (c.status, c.code))
        ]
        schema.setdefault("components", {}).setdefault("schemas", {})["ErrorResponse"] = (
            errors.ErrorResponse.model_json_schema()
        )
        return schema


api = MemberAreaAPI(
    title="memberarea API",
    version="1",
    description="The member area's flows for the mobile app. Every error is "
    '{"error": {"code", "message", "fields"}}; `info.x-error-codes` lists each code with its HTTP status.',
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
api.add_router("", members_router)
api.add_router("/captcha", captcha_router)


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
def brand(request):
    return brand_info()
