"""The white-label brand: names, contact points and colours from settings (BRAND_* variables)."""

from django.conf import settings


def brand() -> dict[str, str]:
    return settings.BRAND


def brand_context(request) -> dict:
    return {"brand": brand(), "demo_mode": settings.DEMO_MODE}
