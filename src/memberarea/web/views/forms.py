"""Rendering a form page with a MemberAreaError: the summary, the per-field messages and its status."""

from django.shortcuts import render

from memberarea.core.errors import MemberAreaError


def form_page(request, template: str, context: dict | None = None, error: MemberAreaError | None = None):
    """Field names like "address.line1" become "address_line1", the form's input names (UI-2)."""
    fields = {name.replace(".", "_"): texts for name, texts in error.fields.items()} if error else {}
    context = {**(context or {}), "error": error, "field_errors": fields}
    return render(request, template, context, status=error.status if error else 200)
