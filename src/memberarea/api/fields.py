"""The request fields several operations share, with the limits the flows apply stated in the
OpenAPI document (issue 15, defect 4): a request made from the document is never `invalid` for a
rule the document does not state. The flows stay more lenient than the patterns (they also take
other separators and forms a person types); the patterns describe what an app should send.
"""

from typing import Any

from ninja import Field

from memberarea.identity.flows.facts import MAX_NUMBER

# Letters and digits with the spaces, hyphens and dots people type between them.
NUMBER_PATTERN = r"^[ .\-]*[A-Za-z0-9][A-Za-z0-9 .\-]*$"
# 5 to 20 letters and digits once separators are dropped (NIF, NIE or passport number).
DOCUMENT_PATTERN = r"^[ .\-]*(?:[A-Za-z0-9][ .\-]*){5,20}$"
COUNTRY_PATTERN = r"^[A-Za-z]{2}$"
TYPED_DOCUMENT_MAX = 100  # longer input is refused before any normalising work (identity.flows.recovery)


def member_number_field(**extra: Any) -> Any:
    return Field(
        description="As printed on the card; spaces, hyphens and lower case are fine",
        max_length=MAX_NUMBER,
        pattern=NUMBER_PATTERN,
        examples=["M-000001"],
        **extra,
    )


def policy_number_field(**extra: Any) -> Any:
    return Field(max_length=MAX_NUMBER, pattern=NUMBER_PATTERN, examples=["POL-100"], **extra)


def birth_date_field(**extra: Any) -> Any:
    return Field(
        description="YYYY-MM-DD (the day-first forms 31/12/1980 and 31121980 are also read)",
        max_length=TYPED_DOCUMENT_MAX,
        json_schema_extra={"format": "date"},
        examples=["1985-03-12"],
        **extra,
    )


def username_field(**extra: Any) -> Any:
    return Field(
        description="The identity document the member signs in with (NIF, NIE or passport number)",
        max_length=TYPED_DOCUMENT_MAX,
        pattern=DOCUMENT_PATTERN,
        **extra,
    )
