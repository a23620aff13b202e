"""UI-1: one name for the member area in each language, the member's insurance called "seguro" (never
"afiliación"), no gendered "registrado" where a neutral form exists, and example documents that the
product itself accepts (decision 0017)."""

import re
from pathlib import Path

import pytest

import memberarea
from memberarea.enrollment.identifiers import InvalidDocument, document_normalise

SOURCE = Path(memberarea.__file__).resolve().parent
CATALOGUE = SOURCE / "locale" / "es" / "LC_MESSAGES" / "django.po"
TEMPLATES = sorted(p for p in SOURCE.glob("**/templates/**/*") if p.suffix in {".html", ".txt"})
OTHER_NAMES_ES = ("área privada", "área de asegurado", "área personal", "zona privada", "área de socios")
OTHER_NAMES_EN = ("private area", "customer area", "members' area", "client area")
DNI = re.compile(r"\b\d{8}-?[A-Z]\b")
NIE = re.compile(r"\b[XYZ]-?\d{7}-?[A-Z]\b")


def translations() -> list[tuple[str, str]]:
    """(msgid, msgstr) of every live entry, continuation lines joined."""
    pairs = []
    for block in CATALOGUE.read_text().split("\n\n"):
        if "#~" in block:
            continue
        parts = re.findall(r'^(msgid|msgstr(?:\[\d\])?|msgid_plural) ((?:".*"\n?)+)', block + "\n", re.M)
        text = {key: "".join(re.findall(r'"(.*)"', value)) for key, value in parts}
        if text.get("msgid"):
            pairs.append((text["msgid"], " ".join(v for k, v in text.items() if k.startswith("msgstr"))))
    return pairs


@pytest.mark.req("UI-1")
def test_the_member_area_has_one_name_per_language():
    pairs = translations()
    for msgid, msgstr in pairs:
        assert not any(name in msgstr.lower() for name in OTHER_NAMES_ES), (msgid, msgstr)
        assert not any(name in msgid.lower() for name in OTHER_NAMES_EN), msgid
        if "member area" in msgid.lower():
            assert "área de clientes" in msgstr.lower() or "Member area" not in msgid, (msgid, msgstr)
    assert dict(pairs)["Member area"] == "Área de clientes"


@pytest.mark.req("UI-1")
def test_the_spanish_speaks_of_the_members_insurance_and_stays_neutral():
    for msgid, msgstr in translations():
        assert "afiliaci" not in msgstr.lower(), (msgid, msgstr)
        assert not re.search(r"\b(ya está registrad[oa]|bienvenid(o|os|as)\b|registrado/a|o/a\b)", msgstr, re.I), msgid


@pytest.mark.req("UI-3")
@pytest.mark.req("REG-3")
def test_every_example_document_shown_to_people_is_accepted_by_the_product():
    shown = [(str(path), path.read_text()) for path in TEMPLATES] + [
        (msgid, f"{msgid} {msgstr}") for msgid, msgstr in translations()
    ]
    examples = 0
    for where, text in shown:
        for document_type, pattern in (("nif", DNI), ("nie", NIE)):
            for number in pattern.findall(text):
                examples += 1
                try:
                    document_normalise(document_type, number)
                except InvalidDocument:
                    pytest.fail(f"{number} in {where} is refused by the product")
    assert examples >= 4  # the hints and messages of registration and recovery
