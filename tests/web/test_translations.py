"""UI-1: the Spanish catalogue translates every string the code marks, and says nothing a real insurer says."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

import memberarea

SOURCE = Path(memberarea.__file__).resolve().parent
CATALOGUE = SOURCE / "locale" / "es" / "LC_MESSAGES" / "django.po"  # LOCALE_PATHS: wins over the apps'
# An app may keep its own catalogue beside its code (notifications does); Django reads those too.
CATALOGUES = [CATALOGUE, *sorted(SOURCE.glob("*/locale/es/LC_MESSAGES/django.po"))]
# Brands of real Spanish health insurers: the demo brand must stay fictional.
REAL_INSURERS = ("Sanitas", "Adeslas", "DKV", "Mapfre", "Asisa", "AXA", "Cigna", "Allianz", "Caser", "Aegon")


@pytest.fixture(scope="module")
def extracted_catalogue(tmp_path_factory) -> Path:
    """What makemessages finds in the code now, extracted into a copy so the real catalogue is untouched."""
    copy = tmp_path_factory.mktemp("extract") / "memberarea"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc"))
    (copy / "locale").mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(copy)
        patch.setattr(settings, "LOCALE_PATHS", [copy / "locale"])
        call_command("makemessages", locale=["es"], ignore_patterns=["locale/*"], verbosity=0)
    return copy / "locale" / "es" / "LC_MESSAGES" / "django.po"


@pytest.mark.req("UI-1")
@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: str(path.relative_to(SOURCE)))
def test_the_spanish_catalogues_have_no_untranslated_or_fuzzy_entry(catalogue):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(catalogue)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+ translated messages?\.\n", result.stderr), result.stderr


@pytest.mark.req("UI-1")
def test_every_marked_string_in_the_code_is_in_a_spanish_catalogue(extracted_catalogue, tmp_path):
    extracted = extracted_catalogue.read_text(encoding="utf-8")
    assert 'msgid "How to register"' in extracted and 'msgid "Customer-service agent"' in extracted
    # What Django can find, the project catalogue first (as at run time), then msgcmp: it fails for each
    # message of the code that the catalogues lack, leave empty or mark fuzzy.
    known = tmp_path / "known.po"
    subprocess.run(["msgcat", "--use-first", "-o", str(known), *map(str, CATALOGUES)], check=True)
    result = subprocess.run(
        ["msgcmp", str(known), str(extracted_catalogue)], capture_output=True, text=True, check=False
    )
    missing = _untranslated(result.stderr, extracted.splitlines())
    assert missing == [], (
        "translate these strings: `cd src/memberarea && ../../manage.py makemessages -l es --ignore 'locale/*'`, "
        f"fill each msgstr of locale/es/LC_MESSAGES/django.po, then `make messages`:\n{chr(10).join(missing)}"
    )
    assert result.returncode == 0, result.stderr


def _untranslated(msgcmp_report: str, extracted_lines: list[str]) -> list[str]:
    """The msgids that msgcmp reports by line number ("…:39: this message is used but not defined …")."""
    found = []
    for line_number in re.findall(r"django\.po:(\d+): this message is used but not defined", msgcmp_report):
        start = int(line_number) - 1  # msgcmp names the entry's msgstr line: walk back to its msgid
        while start > 0 and not extracted_lines[start].startswith("msgid "):
            start -= 1
        parts, index = [], start
        while index < len(extracted_lines) and not extracted_lines[index].startswith("msgstr"):
            parts += re.findall(r'"((?:[^"\\]|\\.)*)"', extracted_lines[index])
            index += 1
        found.append("".join(parts))
    return found


@pytest.mark.req("UI-1")
def test_the_catalogues_name_only_the_fictional_brand():
    text = "".join(catalogue.read_text(encoding="utf-8") for catalogue in CATALOGUES)
    named = [name for name in REAL_INSURERS if re.search(rf"\b{name}\b", text, re.IGNORECASE)]
    assert named == []


@pytest.mark.req("UI-1")
def test_the_spanish_back_office_calls_a_ticket_an_incidencia_everywhere():
    """The field is "Referencia de la incidencia", the record says "Abierta para la incidencia …": the
    errors for a missing ticket said "la referencia del ticket", an English word for the same thing."""
    said = []
    for catalogue in CATALOGUES:
        for block in catalogue.read_text(encoding="utf-8").split("\n\n"):
            translated = "".join(re.findall(r'"(.*)"', block.partition("\nmsgstr")[2]))
            if "ticket" in translated.lower().replace("%(ticket)s", ""):
                said.append(translated)
    assert said == []


@pytest.mark.req("UI-1")
def test_the_spanish_pages_call_a_member_asegurado_and_the_site_area_de_clientes():
    """The member pages and the agent's say "asegurado" and "área de clientes": the privacy officer's
    request pages and the erasure form said "miembro" and "área de miembros". A "miembro del personal"
    (a staff member) and the "miembros de su familia" stay."""
    said = []
    for catalogue in CATALOGUES:
        for block in catalogue.read_text(encoding="utf-8").split("\n\n"):
            translated = "".join(re.findall(r'"(.*)"', block.partition("\nmsgstr")[2]))
            rest = re.sub(r"miembros? del personal|miembros de su familia", "", translated, flags=re.I)
            if "miembro" in rest.lower():
                said.append(translated)
    assert said == []
