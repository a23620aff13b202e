"""Rendering a form page with a MemberAreaError: the summary, the per-field messages and its status.

Shared by the member pages (web) and the back office, so it sits in the kernel both build on."""

from django.shortcuts import render

from memberarea.core.errors import MemberAreaError


def form_page(request, template: str, context: dict | None = None, error: MemberAreaError | None = None):
    """Field names like "address.line1" become "address_line1", the form's input names (UI-2)."""
    fields = {name.replace(".", "_"): texts for name, texts in error.fields.items()} if error else {}
    context = {**(context or {}), "error": error, "field_errors": fields, **_summary(error, fields)}
    return render(request, template, context, status=error.status if error else 200)


def _summary(error: MemberAreaError | None, fields: dict) -> dict:
    """What the error summary lists, each message once: a field message that only repeats the
    summary's title is not listed again; the title links to that field instead."""
    if error is None:
        return {"error_items": [], "error_field": ""}
    title = str(error.message)
    items = [(name, text) for name, texts in fields.items() for text in texts if str(text) != title]
    repeated = next((name for name, texts in fields.items() if any(str(text) == title for text in texts)), "")
    return {"error_items": items, "error_field": repeated}
