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
