"""Enrollment data is unreadable in a database dump (OPS-3, REL-7)."""

import datetime as dt

import pytest

from .records import clear_text_forms, database_dump, import_members, import_policies, member_row, nif

pytestmark = pytest.mark.django_db


@pytest.mark.req("OPS-3")
def test_imported_documents_contacts_streets_and_birth_dates_are_not_in_clear_in_the_database():
    import_policies()
    import_members(
        [
            member_row(1, date_of_birth="1985-03-12", mobile="612 34 56 78", document_number=nif("51234567"),
                       email="lucia.prueba@example.invalid", address_line1="Calle del Secreto 9"),
            member_row(2, document_type="passport", document_number="ZX998877", document_country="GB"),
        ]
    )  # fmt: skip
    dump = database_dump()
    assert "M000001" in dump  # the dump does read the rows
    forms = clear_text_forms(
        date_of_birth=dt.date(1985, 3, 12),
        mobile="+34612345678",
        document=nif("51234567"),
        email="lucia.prueba@example.invalid",
    )
    forms += ["ZX998877", "Calle del Secreto"]
    assert [form for form in forms if form in dump] == []
