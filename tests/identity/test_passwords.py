"""The password rules (PWD-1, PWD-2), their history of hashes (PWD-1, PWD-3) and how pages show them."""

import datetime as dt
import re
import unicodedata
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.utils import translation
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from memberarea.core.errors import MemberAreaError
from memberarea.identity.errors import PASSWORD_POLICY
from memberarea.identity.models import Account, PasswordHistory
from memberarea.identity.passwords import (
    PROFILES,
    SPANISH_LIST,
    common_passwords,
    context_words_for,
    password_history_add,
    password_in_history,
    password_rules_for_display,
    password_validate,
)
from memberarea.identity.services import account_create

# The suite's autouse fixtures are function-scoped; no example here depends on them being fresh.
examples = hypothesis_settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None, database=None
)
RULES = {rule.id: rule for rules in PROFILES.values() for rule in rules}
DIGITS = "0123456789"
GOOD = "Xk7mQ2pLa9"  # follows every rule of both profiles


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English, the msgids; the Spanish catalogue translates them."""
    with translation.override("en"):
        yield


def broken(password: str, **context) -> list[str]:
    """The messages password_validate reports, [] when it accepts the password."""
    try:
        password_validate(password, **context)
    except MemberAreaError as error:
        assert error.error is PASSWORD_POLICY
        return [str(message) for message in error.fields["password"]]
    return []


def message(rule_id: str) -> str:
    return RULES[rule_id].message()


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def stable(character: str) -> bool:
    """NFKC leaves it as it is, so a generated password means what the test says it means."""
    return nfkc(character) == character


@pytest.fixture
def nist(settings):
    settings.PASSWORD_PROFILE = "nist"


def new_account(password: str = GOOD) -> Account:
    return account_create(username=f"T{uuid.uuid4().hex[:12]}", password=password)


def change_password(account: Account, password: str) -> None:
    account.set_password(password)
    account.save(update_fields=["password"])
    password_history_add(account=account)


letters = st.characters(categories=["L"]).filter(stable)
upper = st.characters(categories=["Lu"]).filter(stable)
lower = st.characters(categories=["Ll"]).filter(stable)
digit = st.sampled_from(DIGITS)


@st.composite
def composed(draw, min_size: int = 8, max_size: int = 128) -> str:
    """Letters and ASCII digits with at least one digit, capital and lower-case letter."""
    rest = draw(st.text(alphabet=letters | digit, min_size=min_size - 3, max_size=max_size - 3))
    characters = [draw(upper), draw(lower), draw(digit), *rest]
    password = "".join(draw(st.permutations(characters)))
    assume(nfkc(password) == password)  # Hangul jamo, for one, join into syllables
    return password


# --- Composition rules: one property each ------------------------------------------------------


@pytest.mark.req("PWD-1")
@examples
@given(st.text(max_size=20))
def test_anything_shorter_than_the_minimum_breaks_min_length(password):
    assume(len(nfkc(password)) < 8)
    assert message("min_length") in broken(password)
    assert message("min_length") == "Use at least 8 characters."


@pytest.mark.req("PWD-2")
@pytest.mark.parametrize("profile", ["insurer", "nist"])
@examples
@given(password=st.text(alphabet=letters | digit, min_size=129, max_size=300))
def test_anything_over_128_characters_is_rejected_in_both_profiles(settings, profile, password):
    settings.PASSWORD_PROFILE = profile
    assert message("max_length") in broken(password)


@pytest.mark.req("PWD-1")
@examples
@given(composed())
def test_letters_and_digits_with_a_digit_a_capital_and_a_lower_case_letter_pass_every_composition_rule(password):
    composition = {message(rule.id) for rule in PROFILES["insurer"] if rule.composition}
    assert composition.isdisjoint(broken(password))


@pytest.mark.req("PWD-1")
@pytest.mark.req("PWD-2")
@examples
@given(
    password=composed(max_size=100),
    symbol=st.characters(categories=["P", "S", "Zs"]).filter(
        lambda c: not all(x.isalpha() or x in DIGITS for x in nfkc(c))
    ),
    where=st.integers(min_value=0, max_value=100),
)
def test_a_space_punctuation_or_symbol_breaks_letters_and_digits_only_in_insurer_but_not_in_nist(
    settings, password, symbol, where
):
    password = password[:where] + symbol + password[where:]
    settings.PASSWORD_PROFILE = "insurer"  # each example starts again from the default profile
    assert message("letters_and_digits_only") in broken(password)
    settings.PASSWORD_PROFILE = "nist"
    assert message("letters_and_digits_only") not in broken(password)
    assert message("printable") not in broken(password)


@pytest.mark.req("PWD-1")
@examples
@given(st.text(max_size=30))
def test_anything_without_an_ascii_digit_after_nfkc_breaks_needs_digit(password):
    assume(not any(c in DIGITS for c in nfkc(password)))
    assert message("needs_digit") in broken(password)
    assert message("needs_digit") not in broken(password + "7")


@pytest.mark.req("PWD-1")
@examples
@given(st.text(max_size=30))
def test_anything_without_a_capital_letter_breaks_needs_upper(password):
    assume(not any(unicodedata.category(c) == "Lu" for c in nfkc(password)))
    assert message("needs_upper") in broken(password)
    assert message("needs_upper") not in broken(password + "Ñ")


@pytest.mark.req("PWD-1")
@examples
@given(st.text(max_size=30))
def test_anything_without_a_lower_case_letter_breaks_needs_lower(password):
    assume(not any(unicodedata.category(c) == "Ll" for c in nfkc(password)))
    assert message("needs_lower") in broken(password)
    assert message("needs_lower") not in broken(password + "ñ")


@pytest.mark.req("PWD-1")
@pytest.mark.parametrize("password", ["Mañana2026x", "Ángel1234ok", "Çàvaß1234Xy", "Ωmega12345α"])
def test_any_unicode_letter_counts_as_a_letter(password):
    assert broken(password) == []


@pytest.mark.req("PWD-2")
@examples
@given(st.text(alphabet=st.characters(exclude_categories=["C", "Zl", "Zp"]), min_size=8, max_size=60))
def test_nist_accepts_any_printable_text_with_spaces_and_no_composition_rule(settings, password):
    settings.PASSWORD_PROFILE = "nist"
    assume(8 <= len(nfkc(password)) <= 128)
    submit_only = {message(rule.id) for rule in PROFILES["nist"] if not rule.composition}
    assert set(broken(password)) <= submit_only


@pytest.mark.req("PWD-2")
@examples
@given(
    password=st.text(alphabet=letters | st.just(" "), min_size=8, max_size=60),
    unprintable=st.characters(categories=["Cc"]) | st.sampled_from(["\u0378", "\U000e0080", "\u2028"]),
    where=st.integers(min_value=0, max_value=60),
)
def test_nist_rejects_control_characters_and_unassigned_code_points(settings, password, unprintable, where):
    settings.PASSWORD_PROFILE = "nist"
    assert message("printable") in broken(password[:where] + unprintable + password[where:])


@pytest.mark.req("PWD-2")
def test_nist_accepts_emoji_sequences_and_a_passphrase(nist):
    assert broken("correct horse battery staple") == []
    assert broken("mi gato 👨‍👩‍👧 come") == []


# --- NFKC ---------------------------------------------------------------------------------------


@pytest.mark.req("PWD-3")
@pytest.mark.req("PWD-1")
def test_a_full_width_digit_counts_as_the_digit():
    assert broken("Zqxwvbnm１") == []


@pytest.mark.req("PWD-3")
@pytest.mark.req("PWD-1")
def test_composed_and_decomposed_letters_are_the_same_password():
    composed_form = unicodedata.normalize("NFC", "Piñón12")
    decomposed_form = unicodedata.normalize("NFD", "Piñón12")
    assert len(decomposed_form) == 9 > len(composed_form) == 7
    # Length counts characters after NFKC, and the combining tilde is not a symbol: both say the same.
    assert broken(composed_form) == broken(decomposed_form) == [message("min_length")]


# --- Blocklist -----------------------------------------------------------------------------------

spanish_words = sorted(
    line for line in SPANISH_LIST.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")
)
# Entries that are their own stem and long enough to be looked up with digits added (MIN_STEM_LENGTH).
stems = sorted(
    word
    for word in CommonPasswordValidator().passwords | set(spanish_words)
    if len(word) >= 4 and not word[-1].isdigit()
)


@pytest.mark.req("PWD-2")
@pytest.mark.parametrize("profile", ["insurer", "nist"])
@examples
@given(
    word=st.sampled_from(stems),
    tail=st.sampled_from(["", "1", "123", "1234", "2024", "2025", "2026", "07"]),
    capitalise=st.booleans(),
)
def test_a_common_password_with_or_without_trailing_digits_is_rejected(settings, profile, word, tail, capitalise):
    settings.PASSWORD_PROFILE = profile
    password = (word.capitalize() if capitalise else word.upper()) + tail
    assert message("common") in broken(password)


@pytest.mark.req("PWD-2")
@pytest.mark.parametrize(
    "password",
    [
        "Password1",
        "Qwerty123",
        "Iloveyou2",
        "Barcelona2026",
        "Tequiero1",
        "Contraseña1",
        "Contrasena2025",
        "España2024",
    ],
)
def test_english_and_spanish_common_passwords_are_rejected(password):
    assert broken(password) == [message("common")]


@pytest.mark.req("PWD-2")
def test_the_blocklist_is_djangos_list_and_the_projects_spanish_list():
    header = SPANISH_LIST.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("#") and "project's own" in header
    assert CommonPasswordValidator().passwords <= common_passwords()
    assert {"contraseña", "tequiero", "realmadrid", "barcelona2026"} <= common_passwords()
    assert len(spanish_words) >= 300 and all(word == word.lower() for word in spanish_words)


@pytest.mark.req("PWD-2")
def test_a_short_stem_left_by_stripping_digits_is_not_looked_up(nist):
    assert broken("Q7482916305") == []  # "q" is on Django's list; a random number is not weak


# --- Context words -------------------------------------------------------------------------------

MEMBER = {
    "first_name": "María José",
    "last_name": "de la Peña Ibáñez",
    "date_of_birth": dt.date(1984, 3, 12),
    "document": "X-1234567-L",
}


@pytest.mark.req("PWD-2")
def test_the_context_list_holds_the_brand_names_birth_date_forms_and_the_document():
    assert context_words_for(**MEMBER) == [
        "ejemplia",
        "salud",
        "maria",
        "jose",
        "pena",
        "ibanez",
        "1984",
        "120384",
        "12031984",
        "19840312",
        "840312",
        "x1234567l",
        "x1234567",
        "1234567",
    ]


@pytest.mark.req("PWD-2")
@pytest.mark.parametrize(
    "password",
    [
        "Mariaqq771",  # first name, accent-insensitive
        "XXjosé2000",  # the accent typed where the name has one
        "Zz9PEÑAzz",  # surname, upper case
        "Ibanez0000a",  # surname without its accents
        "Zqx1984abc",  # year of birth
        "Zqx120384a",
        "Zqx12031984a",
        "Zqx19840312a",
        "Ab1234567cd",  # document without its letters
        "Abx1234567Lq",  # document with its letters
    ],
)
def test_a_password_with_the_members_context_words_is_rejected(password):
    assert broken(password, context_words=context_words_for(**MEMBER)) == [message("context")]


@pytest.mark.req("PWD-2")
@pytest.mark.parametrize("profile", ["insurer", "nist"])
def test_the_brand_is_rejected_even_without_member_words(settings, profile):
    settings.PASSWORD_PROFILE = profile
    assert message("context") in broken("Ejemplia2030xY")
    settings.BRAND = {**settings.BRAND, "name": "Seguros Ñandú"}
    assert message("context") in broken("Nandu2030xYz")


@pytest.mark.req("PWD-2")
@examples
@given(
    name=st.text(alphabet=st.characters(categories=["Ll"]).filter(stable), min_size=3, max_size=12),
    before=st.text(alphabet=DIGITS, max_size=4),
    after=st.text(alphabet=DIGITS, max_size=4),
)
def test_any_name_part_anywhere_in_the_password_breaks_context(name, before, after):
    words = context_words_for(first_name=name)
    # A name part it is (long enough, no particle), and one that reads the same in capitals (not "ı",
    # whose capital is the "I" of "i").
    assume(words[2:] and words == context_words_for(first_name=name.upper()))
    assert message("context") in broken(before + name.upper() + after, context_words=words)


@pytest.mark.req("PWD-2")
def test_short_name_parts_and_particles_are_not_context_words():
    assert context_words_for(first_name="Li", last_name="del Río") == ["ejemplia", "salud", "rio"]


# --- History -------------------------------------------------------------------------------------


@pytest.mark.req("PWD-1")
@pytest.mark.req("PWD-3")
@pytest.mark.django_db
def test_the_last_20_passwords_are_refused_and_the_21st_oldest_is_allowed_again(frozen_clock):
    passwords = [f"Rumbo{n:02d}Zqx" for n in range(21)]
    account = new_account(passwords[0])
    password_history_add(account=account)
    for password in passwords[1:]:
        frozen_clock.advance(days=1)
        change_password(account, password)
    assert PasswordHistory.objects.filter(account=account).count() == 20
    assert broken(passwords[0], account=account) == []
    for password in passwords[1:]:
        assert broken(password, account=account) == [message("history")], password
    assert message("history") == "Use a password different from your last 20 passwords."
    # Hashes only (PWD-3): argon2id strings, never the password.
    stored = list(PasswordHistory.objects.filter(account=account).values_list("password", flat=True))
    assert all(hash_.startswith("argon2$argon2id$") for hash_ in stored)
    assert not any(password in hash_ for hash_ in stored for password in passwords)


@pytest.mark.req("PWD-1")
@pytest.mark.django_db
@hypothesis_settings(examples, max_examples=15)
@given(
    passwords=st.lists(st.text(alphabet="abcXYZ123", min_size=4, max_size=8), min_size=1, max_size=6, unique=True),
    count=st.integers(min_value=1, max_value=5),
)
def test_the_history_holds_exactly_the_last_count_passwords(settings, passwords, count):
    settings.PASSWORD_HISTORY_COUNT = count
    account = new_account(passwords[0])
    password_history_add(account=account)
    for password in passwords[1:]:
        change_password(account, password)
    remembered = passwords[-count:]
    assert [password_in_history(account, password) for password in passwords] == [
        password in remembered for password in passwords
    ]
    assert PasswordHistory.objects.filter(account=account).count() == min(count, len(passwords))


@pytest.mark.req("PWD-1")
@pytest.mark.django_db
def test_a_new_registration_has_no_history_to_check():
    assert broken(GOOD) == []


@pytest.mark.req("PWD-1")
@pytest.mark.req("PWD-3")
@pytest.mark.django_db
def test_the_history_rule_matches_the_nfkc_form_of_an_earlier_password():
    account = new_account(unicodedata.normalize("NFC", "Cañón1234x"))
    password_history_add(account=account)
    change_password(account, GOOD)
    assert broken(unicodedata.normalize("NFD", "Cañón1234x"), account=account) == [message("history")]
    assert broken("Cañón1234x".replace("1234", "１２３４"), account=account) == [message("history")]


@pytest.mark.req("PWD-2")
@pytest.mark.django_db
def test_nist_keeps_no_history_and_drops_what_insurer_kept(settings):
    account = new_account("Primera123x")
    password_history_add(account=account)
    change_password(account, "Segunda123x")
    assert PasswordHistory.objects.filter(account=account).count() == 2
    settings.PASSWORD_PROFILE = "nist"
    change_password(account, "una frase nueva")
    assert not PasswordHistory.objects.filter(account=account).exists()
    assert broken("una frase nueva", account=account) == []  # no history rule, not even the current one
    assert "history" not in {rule.id for rule in PROFILES["nist"]}


@pytest.mark.req("PWD-1")
@pytest.mark.django_db
def test_a_history_count_of_zero_turns_the_history_off(settings):
    settings.PASSWORD_HISTORY_COUNT = 0
    account = new_account("Primera123x")
    password_history_add(account=account)
    assert not PasswordHistory.objects.filter(account=account).exists()
    assert broken("Primera123x", account=account) == []
    assert "history" not in {rule["id"] for rule in password_rules_for_display(submit_only=True)}


# --- All at once, settings, profiles ---------------------------------------------------------------


@pytest.mark.req("PWD-1")
def test_every_broken_rule_is_listed_at_once_in_profile_order():
    with pytest.raises(MemberAreaError) as raised:
        password_validate("ab cd")
    error = raised.value
    assert (error.code, error.status) == ("password_policy", 400)
    assert error.as_payload()["error"] == {
        "code": "password_policy",
        "message": "The password does not follow the rules. Check each message below.",
        "fields": {
            "password": [
                "Use at least 8 characters.",
                "Use only letters and digits: no spaces, punctuation or symbols.",
                "Include at least one digit (0-9).",
                "Include at least one capital letter.",
            ]
        },
    }


@pytest.mark.req("PWD-1")
@pytest.mark.req("PWD-2")
@pytest.mark.django_db
def test_the_settings_change_the_numbers(settings):
    settings.PASSWORD_MIN_LENGTH = 12
    settings.PASSWORD_MAX_LENGTH = 14
    settings.PASSWORD_HISTORY_COUNT = 3
    assert broken("Kzpwrtqmvx1") == ["Use at least 12 characters."]
    assert broken("Kzpwrtqmvxyz1") == []
    assert broken("Kzpwrtqmvxyzab1") == ["Use no more than 14 characters."]
    display = {rule["id"]: rule for rule in password_rules_for_display()}
    assert (display["min_length"]["min_length"], display["max_length"]["max_length"]) == (12, 14)
    passwords = ["Uno1abcdefgh", "Dos2abcdefgh", "Tres3abcdefg", "Cuatro4abcde"]
    account = new_account(passwords[0])
    password_history_add(account=account)
    for password in passwords[1:]:
        change_password(account, password)
    assert broken(passwords[0], account=account) == []
    assert broken(passwords[1], account=account) == ["Use a password different from your last 3 passwords."]


@pytest.mark.req("PWD-1")
@pytest.mark.req("PWD-2")
@pytest.mark.parametrize(
    ("name", "value"),
    [("PASSWORD_PROFILE", "strict"), ("PASSWORD_PROFILE", ""), ("PASSWORD_MIN_LENGTH", 0), ("PASSWORD_MAX_LENGTH", 4)],
)
def test_a_wrong_profile_or_limit_fails_loudly(settings, name, value):
    setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured, match=name):
        password_validate(GOOD)
    with pytest.raises(ImproperlyConfigured, match=name):
        password_rules_for_display()


@pytest.mark.req("PWD-1")
@pytest.mark.req("PWD-2")
def test_each_profile_shows_its_composition_rules_and_checks_the_rest_on_submit(settings):
    assert [rule["id"] for rule in password_rules_for_display()] == [
        "min_length",
        "max_length",
        "letters_and_digits_only",
        "needs_digit",
        "needs_upper",
        "needs_lower",
    ]
    assert [rule["id"] for rule in password_rules_for_display(submit_only=True)] == ["common", "context", "history"]
    settings.PASSWORD_PROFILE = "nist"
    assert [rule["id"] for rule in password_rules_for_display()] == ["min_length", "max_length", "printable"]
    assert [rule["id"] for rule in password_rules_for_display(submit_only=True)] == ["common", "context"]


# --- Templates -----------------------------------------------------------------------------------

INCLUDE = """{% load static passwords %}{% password_rules as password_rules %}
<input type="password" aria-describedby="new-rules" data-password-rules="new-rules">
{% include "web/_password_rules.html" with rules_id="new-rules" %}
<link rel="stylesheet" href="{% static 'memberarea/css/password-rules.css' %}">
<script src="{% static 'memberarea/js/password-rules.js' %}" defer></script>"""


@pytest.mark.req("PWD-1")
def test_the_partial_renders_one_item_per_composition_rule_for_the_script():
    html = Template(INCLUDE).render(Context({}))
    assert re.search(r'<ul id="new-rules" class="password-rules" data-met-text="met" data-unmet-text="not met">', html)
    items = re.findall(r'<li data-rule="(\w+)"([^>]*)>([^<]+)<span class="visually-hidden" data-rule-status>', html)
    assert [(rule_id, text.strip()) for rule_id, _, text in items] == [
        (rule["id"], rule["message"]) for rule in password_rules_for_display()
    ]
    attributes = {rule_id: attrs for rule_id, attrs, _ in items}
    assert attributes["min_length"] == ' data-min-length="8"'
    assert attributes["needs_upper"] == r' data-pattern="\p{Lu}"'
    # The static files the documented include names exist, and the script reads what the partial writes.
    for path in re.findall(r'(?:href|src)="/static/([^"]+)"', html):
        assert finders.find(path), path
    code = Path(finders.find("memberarea/js/password-rules.js")).read_text(encoding="utf-8")
    for name in ("data-password-rules", "li[data-rule]", "[data-rule-status]", "metText", "unmetText"):
        assert name in code
    for name in ("minLength", "maxLength", "pattern"):
        assert name in code
    assert "eval(" not in code and "innerHTML" not in code


@pytest.mark.req("PWD-1")
@pytest.mark.req("PWD-2")
@pytest.mark.django_db
@pytest.mark.parametrize("profile", ["insurer", "nist"])
def test_the_help_page_describes_the_active_profile(client, settings, profile):
    settings.PASSWORD_PROFILE = profile
    html = client.get("/help/passwords/", headers={"accept-language": "en"}).content.decode()
    article = html[html.index("<article") : html.index("</article>")]
    shown = re.findall(r"<li>([^<]+)</li>", article)
    expected = [rule["message"] for rule in password_rules_for_display()]
    expected += [rule["message"] for rule in password_rules_for_display(submit_only=True)]
    assert shown == expected
    assert ("Use a password different from your last 20 passwords." in article) == (profile == "insurer")
    assert ("Use only letters and digits" in article) == (profile == "insurer")
    assert "When you send the form, we also check the following:" in article
