"""Rendering a form page with a MemberAreaError: the summary, the per-field messages and its status.

Shared by the member pages (web) and the back office, so it sits in the kernel both build on."""

from django.shortcuts import render

from memberarea.core.errors import MemberAreaError


class _Blanks(dict):
    """A dict whose missing keys read as blank in templates (which try `d[name]` before `d.name`),
    so a page may name every input whatever was sent; `items` and the other methods stay methods."""

    blank: object = ""

    def __missing__(self, name: str) -> object:
        if hasattr(dict, name):
            raise KeyError(name)
        return self.blank


class FieldErrors(_Blanks):
    """The messages per input name; an input without any has none."""

    blank = ()


class FormValues(_Blanks):
    """What the visitor typed, by input name; an input not sent is empty."""


def form_page(request, template: str, context: dict | None = None, error: MemberAreaError | None = None):
    """Field names like "address.line1" become "address_line1", the form's input names (UI-2)."""
    fields = FieldErrors({name.replace(".", "_"): texts for name, texts in error.fields.items()} if error else {})
    context = {**(context or {}), "error": error, "field_errors": fields, **_summary(error, fields)}
    if "values" in context:
        context["values"] = FormValues(context["values"].items())
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
