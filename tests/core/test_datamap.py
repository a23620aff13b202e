"""The data map (PRIV-7): every stored field of every installed model is declared, and only those."""

import pytest
from django.apps import apps

from memberarea.core import datamap
from memberarea.core.datamap import MAP, NotPersonal, Personal, declaration_for, model_fields

pytestmark = pytest.mark.req("PRIV-7")


def test_every_stored_field_of_every_installed_model_is_declared():
    models = apps.get_models()
    labels = {model._meta.app_label for model in models}
    assert {"auth", "contenttypes", "sessions", "django_tasks_database", "core", "identity"} <= labels
    undeclared = [
        f"{model._meta.label}.{name}"
        for model in models
        for name in model_fields(model)
        if declaration_for(model, name) is None
    ]
    assert undeclared == [], "declare these fields next to their model (or in core/datamap_framework.py)"


def test_every_declaration_names_an_installed_model_and_an_existing_field():
    installed = {model._meta.label: model for model in apps.get_models()}
    stale = []
    for label, fields in MAP.items():
        if label not in installed:
            stale.append(f"{label} (no such installed model)")
            continue
        stale += [f"{label}.{name}" for name in fields if name not in model_fields(installed[label])]
    assert stale == []


def test_model_fields_lists_columns_and_owned_many_to_many_tables():
    group = apps.get_model("auth", "Group")
    assert model_fields(group) == ["id", "name", "permissions"]
    account = apps.get_model("identity", "Account")
    assert {"username", "username_index", "password", "last_login"} <= set(model_fields(account))


def test_personal_declarations_are_checked():
    assert Personal(datamap.HEALTH, datamap.INSURER, [datamap.SERVICE]).special
    assert not Personal(datamap.CONTACT, datamap.MEMBER, [datamap.ACCOUNT]).special
    with pytest.raises(ValueError, match="category"):
        Personal("shoe size", datamap.MEMBER, [datamap.SERVICE])
    with pytest.raises(ValueError, match="source"):
        Personal(datamap.CONTACT, "a rumour", [datamap.SERVICE])
    with pytest.raises(ValueError, match="purposes"):
        Personal(datamap.CONTACT, datamap.MEMBER, [])
    with pytest.raises(ValueError, match="purposes"):
        Personal(datamap.CONTACT, datamap.MEMBER, ["curiosity"])
    with pytest.raises(ValueError, match="why"):
        NotPersonal("  ")
    with pytest.raises(TypeError):
        datamap.declare("core.AuditEntry", seq="not personal")


# --- what happens to each field (PRIV-7, PRIV-14) -------------------------------------------------------------
def _every_field():
    return [(model, name) for model in apps.get_models() for name in model_fields(model)]


@pytest.mark.req("PRIV-14")
def test_every_personal_field_of_every_installed_model_resolves_to_a_complete_rule():
    unresolved, incomplete = [], []
    for model, name in _every_field():
        declaration = declaration_for(model, name)
        try:
            rule = datamap.rule_for(model, name)
        except LookupError:
            unresolved.append(f"{model._meta.label}.{name}")
            continue
        if isinstance(declaration, NotPersonal):
            assert rule is None
            continue
        if rule is None or (rule.kept and not str(rule.duty).strip()) or rule.days < 0:
            incomplete.append(f"{model._meta.label}.{name}")
    assert unresolved == [] and incomplete == []


@pytest.mark.req("PRIV-14")
def test_a_personal_field_without_a_rule_fails(monkeypatch):
    session_record = apps.get_model("identity", "SessionRecord")
    monkeypatch.delitem(datamap.RULES, (datamap.ACTIVITY, datamap.SECURITY))
    monkeypatch.delitem(datamap.RULES, (datamap.ACTIVITY, None))
    with pytest.raises(LookupError, match="no retention rule"):
        datamap.rule_for(session_record, "ended_at")


def test_every_category_has_its_own_rule_and_every_code_a_label():
    assert {category for category, purpose in datamap.RULES if purpose is None} == datamap.CATEGORIES
    assert set(datamap.CATEGORY_LABELS) == datamap.CATEGORIES
    assert set(datamap.SOURCE_LABELS) == datamap.SOURCES
    assert set(datamap.PURPOSE_LABELS) == datamap.PURPOSES == set(datamap.PURPOSE_SUBJECTS)
    assert set(datamap.PRECEDENCE) == datamap.PURPOSES
    assert set(datamap.ERASURE_LABELS) == datamap.ERASURE


@pytest.mark.req("PRIV-14")
def test_the_table_the_overrides_and_the_precedence_of_purposes():
    field_rule = datamap.rule_for
    account = apps.get_model("identity", "Account")
    assert field_rule(account, "password") == datamap.RULES[(datamap.CREDENTIAL, None)]
    assert not field_rule(account, "password").exported, "credentials are never exported"
    assert field_rule(account, "frozen_at") == datamap.WITH_THE_ACCOUNT  # the model's own override
    session = apps.get_model("identity", "SessionRecord")
    assert field_rule(session, "device") == datamap.SECURITY_TRAIL  # (category, purpose)
    audit = apps.get_model("core", "AuditEntry")
    assert {field_rule(audit, name) for name in datamap.personal_fields(audit)} == {datamap.AUDIT_RECORD}
    consent = apps.get_model("privacy", "ConsentRecord")
    assert field_rule(consent, "given").duty == datamap.DUTY_CONSENT
    staff_access = apps.get_model("members", "StaffAccess")
    assert field_rule(staff_access, "ticket") == datamap.LEGAL_RECORD  # (any category, legal obligation) first
    membership = apps.get_model("enrollment", "Membership")
    assert field_rule(membership, "email") == datamap.WHILE_A_MEMBER  # account management before security
    assert field_rule(membership, "id") is not None and field_rule(apps.get_model("auth", "Group"), "name") is None


def test_rules_and_overrides_are_checked():
    with pytest.raises(ValueError, match="duty"):
        datamap.Rule(30, datamap.FROM_RECORDED, exported=True, erasure=datamap.KEEP)
    with pytest.raises(ValueError, match="duty"):
        datamap.Rule(30, datamap.FROM_RECORDED, exported=True, erasure=datamap.ERASE, duty="why")
    with pytest.raises(ValueError, match="incomplete"):
        datamap.Rule(30, "someday", exported=True, erasure=datamap.ERASE)
    with pytest.raises(ValueError, match="incomplete"):
        datamap.Rule(-1, datamap.FROM_RECORDED, exported=True, erasure=datamap.ERASE)
    with pytest.raises(TypeError):
        datamap.retain("core.AuditEntry", "forever")
    with pytest.raises(TypeError):
        datamap.subject("core.AuditEntry")
    with pytest.raises(ValueError, match="why"):
        datamap.subject_unlinked("core.AuditEntry", " ")


def test_every_override_names_an_installed_model_and_a_personal_field():
    installed = {model._meta.label: model for model in apps.get_models()}
    stale = [
        f"{label}.{name}"
        for label, fields in datamap.OVERRIDES.items()
        for name in fields
        if label not in installed
        or (name != datamap.EVERY_FIELD and name not in datamap.personal_fields(installed[label]))
    ]
    assert stale == []


# --- whose row it is ---------------------------------------------------------------------------------------
@pytest.mark.req("PRIV-8")
def test_every_model_with_personal_fields_says_how_its_rows_reach_their_person_or_why_they_cannot():
    person = apps.get_model(*datamap.PERSON.split("."))
    installed = {model._meta.label: model for model in apps.get_models()}
    problems = []
    for label, model in installed.items():
        linked, unlinked = label in datamap.SUBJECTS, label in datamap.UNLINKED
        if datamap.personal_fields(model) and linked == unlinked:
            problems.append(f"{label}: declare subject(...) or subject_unlinked(...), exactly one")
        for link in datamap.SUBJECTS.get(label, ()):
            if isinstance(link, datamap.Refers):
                model._meta.get_field(link.column)  # raises for a column that does not exist
                problems += [
                    f"{label}: {target} has no subject" for target in link.models if target not in datamap.SUBJECTS
                ]
            elif datamap.link_end(model, link) is not person:
                problems.append(f"{label}: {link!r} does not end at the person")
    assert problems == []
    assert set(datamap.SUBJECTS) | set(datamap.UNLINKED) <= set(installed)


def test_references_between_models_never_go_round_in_a_circle():
    def reaches(label, seen):
        for link in datamap.SUBJECTS.get(label, ()):
            for target in link.models if isinstance(link, datamap.Refers) else ():
                assert target not in seen, f"{label} → {target} goes round"
                reaches(target, seen | {target})

    for label in datamap.SUBJECTS:
        reaches(label, {label})


def test_a_lookup_that_passes_a_plain_column_is_refused():
    with pytest.raises(LookupError, match="no relation"):
        datamap.link_end(apps.get_model("identity", "SessionRecord"), "device__person")


def test_no_personal_many_to_many_field_exists_exports_read_columns_only():
    assert [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.local_many_to_many
        if isinstance(declaration_for(model, field.name), Personal)
    ] == []
