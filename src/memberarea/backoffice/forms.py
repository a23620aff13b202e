"""The audit log's filter form (BO-5): a GET form, validated, its errors translated."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from memberarea.core.labels import EVENT_LABELS

from .selectors import AuditFilters

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class AuditFilterForm(forms.Form):
    member = forms.CharField(required=False, max_length=64)
    actor = forms.ChoiceField(required=False)
    event = forms.ChoiceField(required=False)
    since = forms.DateField(required=False, input_formats=DATE_FORMATS)
    until = forms.DateField(required=False, input_formats=DATE_FORMATS)

    def __init__(self, data, *, staff_choices: list[tuple[str, str]]) -> None:
        super().__init__(data)
        if staff_choices:
            cast(forms.ChoiceField, self.fields["actor"]).choices = [("", _("Anyone")), *staff_choices]
        else:  # agents and marketing read their own actions only (BO-1): no one else to choose
            del self.fields["actor"]
        events = sorted(((code, str(label)) for code, label in EVENT_LABELS.items()), key=lambda c: c[1])
        cast(forms.ChoiceField, self.fields["event"]).choices = [("", _("Any event")), *events]
        invalid_date = _("Enter a date as day/month/year, for example 04/12/2026.")
        for name in ("since", "until"):
            self.fields[name].error_messages["invalid"] = invalid_date
        self.fields["member"].error_messages["max_length"] = _("A member number or id is at most 64 characters.")
        for name in {"actor", "event"} & set(self.fields):
            self.fields[name].error_messages["invalid_choice"] = _("Choose one of the options in the list.")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date cannot be before the start date."))
        return cleaned

    def filters(self) -> AuditFilters:
        data = self.cleaned_data
        return AuditFilters(
            member=data.get("member", "").strip(),
            actor=data.get("actor", ""),
            event=data.get("event", ""),
            since=data.get("since"),
            until=data.get("until"),
        )
