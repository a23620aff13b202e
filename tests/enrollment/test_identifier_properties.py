"""Properties of the canonical forms (ENR-4, REG-3), over generated input rather than chosen examples."""

import string

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum.es import dni, nie

from memberarea.core.masking import mask_email, mask_phone
from memberarea.enrollment.identifiers import (
    InvalidContact,
    InvalidDocument,
    document_normalise,
    mobile_normalise,
    normalise_number,
)
from memberarea.identity.usernames import normalise_username

ALNUM = string.ascii_letters + string.digits
SEPARATORS = st.sampled_from([" ", "-", "  ", "‐", "–", "\t"])
dni_digits = st.integers(min_value=0, max_value=99_999_999).map(lambda n: f"{n:08d}")
nie_digits = st.integers(min_value=0, max_value=9_999_999).map(lambda n: f"{n:07d}")


def _scatter(draw, text: str) -> str:
    """The same characters with separators sprinkled in and random case, as people type them."""
    out = []
    for ch in text:
        if draw(st.booleans()) and out:
            out.append(draw(SEPARATORS))
        out.append(ch.lower() if draw(st.booleans()) else ch)
    return "".join(out)


@st.composite
def typed_numbers(draw) -> tuple[str, str]:
    canonical = draw(st.text(alphabet=string.ascii_uppercase + string.digits, min_size=1, max_size=20))
    return canonical, _scatter(draw, canonical)


@pytest.mark.req("ENR-4")
@given(typed_numbers())
def test_any_typing_of_a_number_normalises_to_its_canonical_form(pair):
    canonical, typed = pair
    assert normalise_number(typed) == canonical
    assert normalise_number(normalise_number(typed)) == normalise_number(typed)  # idempotent


@st.composite
def valid_dnis(draw) -> str:
    digits = draw(dni_digits.filter(lambda d: len(set(d)) > 1 and d not in {"12345678", "87654321"}))
    return digits + dni.calc_check_digit(digits)


@pytest.mark.req("REG-3")
@given(valid_dnis(), st.data())
def test_a_valid_dni_is_accepted_however_it_is_typed_and_becomes_one_username(number, data):
    typed = _scatter(data.draw, number)
    assert document_normalise("nif", typed) == ("nif", number, "")
    assert normalise_username(typed) == number


@pytest.mark.req("REG-3")
@given(valid_dnis(), st.sampled_from(string.ascii_uppercase))
def test_a_dni_with_any_other_letter_is_refused(number, letter):
    assume(letter != number[-1])
    with pytest.raises(InvalidDocument):
        document_normalise("nif", number[:-1] + letter)


@pytest.mark.req("REG-3")
@given(st.sampled_from("XYZ"), nie_digits.filter(lambda d: len(set(d)) > 1 and d not in {"1234567", "7654321"}))
def test_a_valid_nie_is_accepted_and_a_wrong_prefix_is_not(prefix, digits):
    number = prefix + digits
    number += nie.calc_check_digit(number)
    assert document_normalise("nie", number.lower()) == ("nie", number, "")
    for other in "ABCDW":
        with pytest.raises(InvalidDocument):
            document_normalise("nie", other + number[1:])


@pytest.mark.req("REG-3")
@given(st.text(max_size=60))
def test_documents_never_raise_anything_but_invalid_document(text):
    for document_type in ("nif", "nie", "passport", "other"):
        try:
            kind, number, _ = document_normalise(document_type, text, "GB")
        except InvalidDocument:
            continue
        assert kind == document_type and number.isalnum() and number == number.upper()


@pytest.mark.req("REG-3")
@settings(max_examples=200)
@given(st.text(max_size=40))
def test_mobile_numbers_are_e164_or_refused(text):
    try:
        number = mobile_normalise(text)
    except InvalidContact:
        return
    assert number.startswith("+") and number[1:].isdigit()


@pytest.mark.req("REG-3")
@given(st.emails())
def test_a_masked_email_keeps_only_first_letters_and_the_ending(email):
    masked = mask_email(email)
    local, _, domain = email.rpartition("@")
    assert masked.startswith(local[0]) and "@" in masked
    assert len(masked.replace("•", "")) <= 3 + len(domain.rpartition(".")[2]) + 1


@pytest.mark.req("REG-3")
@given(st.from_regex(r"\+34[67]\d{8}", fullmatch=True))
def test_a_masked_phone_shows_the_last_two_digits_only(phone):
    masked = mask_phone(phone)
    assert [ch for ch in masked if ch.isdigit()] == list(phone[-2:])
