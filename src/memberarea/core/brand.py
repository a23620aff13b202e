"""The white-label brand: names, contact points and colours from settings (BRAND_* variables)."""

from typing import Any

from django.conf import settings
from django.utils.translation import get_language


def brand() -> dict[str, Any]:
    """The brand with its per-language texts resolved for the active language."""
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    hours: dict[str, str] = settings.BRAND["support_hours"]
    return {**settings.BRAND, "support_hours": hours.get(language) or hours[settings.LANGUAGE_CODE]}


def brand_context(request) -> dict:
    return {"brand": brand(), "demo_mode": settings.DEMO_MODE}
