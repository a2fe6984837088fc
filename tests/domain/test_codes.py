"""The client code: generation, reading back what a person typed, and the check symbol."""

from __future__ import annotations

import logging
import secrets

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.domain.codes import (
    CHECK_SYMBOLS,
    CODE_LENGTH,
    DATA_LENGTH,
    DATA_SYMBOLS,
    LEGACY_CHECK_SYMBOLS,
    RANDOM_BITS,
    WEIGHTS,
    ClientCode,
    InvalidCode,
    check_symbol,
    gf_multiply,
    legacy_check_symbol,
    new_code,
    parse_code,
    weighted_sum,
)

eight_bytes = st.binary(min_size=8, max_size=8)


def code_from(raw: bytes) -> ClientCode:
    return new_code(rand=lambda n: raw[:n])


def test_a_code_carries_at_least_60_random_bits() -> None:
    assert RANDOM_BITS >= 60
    assert len(DATA_SYMBOLS) == 32 and DATA_LENGTH * 5 >= 60


def test_a_code_is_made_from_the_injected_random_source() -> None:
    asked: list[int] = []

    def rand(n: int) -> bytes:
        asked.append(n)
        return bytes(n)

    code = new_code(rand=rand)
    assert asked and sum(asked) * 8 >= 60
    assert code.canonical == "000000000000" + "0"
    all_ones = new_code(rand=lambda n: b"\xff" * n)
    assert all_ones.canonical[:DATA_LENGTH] == "Z" * DATA_LENGTH


def test_every_one_of_the_60_bits_changes_the_code() -> None:
    base = int.from_bytes(bytes(8), "big")
    seen = {code_from(bytes(8)).canonical}
    for bit in range(4, 64):  # the low 4 of the 64 drawn bits are dropped
        seen.add(code_from((base | 1 << bit).to_bytes(8, "big")).canonical)
    assert len(seen) == 61


def test_fresh_codes_differ() -> None:
    codes = {new_code().canonical for _ in range(2000)}
    assert len(codes) == 2000


def test_a_code_reads_in_groups_and_never_shows_in_its_repr(
    caplog: pytest.LogCaptureFixture,
) -> None:
    code = code_from(secrets.token_bytes(8))
    c = code.canonical
    assert len(c) == 13
    assert code.grouped == f"{c[0:4]}-{c[4:8]}-{c[8:12]}-{c[12]}"
    assert str(code) == code.grouped
    assert code.last_group == c[12]
    for text in (repr(code), repr([code]), repr({"code": code})):
        assert c[:4] not in text and c not in text
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("test").debug("code %r", code)
    assert c[:4] not in caplog.text


@given(eight_bytes)
def test_a_made_code_reads_back_as_itself(raw: bytes) -> None:
    code = code_from(raw)
    assert parse_code(code.canonical) == code
    assert parse_code(code.grouped) == code
    assert parse_code(str(code)) == code


@given(eight_bytes, st.data())
def test_reading_ignores_case_separators_and_lookalikes(raw: bytes, data: st.DataObject) -> None:
    code = code_from(raw)
    lookalike = {"0": "Oo0", "1": "IiLl1"}
    typed = ""
    for ch in code.canonical:
        options = lookalike.get(ch, ch + ch.lower())
        typed += data.draw(st.sampled_from(options))
        typed += data.draw(st.sampled_from(["", "", " ", "-", ".", "  ", "\u2013", "\u00a0", "/"]))
    assert parse_code(typed) == code


def test_typical_ways_of_typing_a_code_are_read() -> None:
    code = parse_code("7KQM-4PXR-9T3W-" + check_symbol("7KQM4PXR9T3W"))
    x = code.last_group
    for typed in (
        f"7kqm4pxr9t3w{x.lower()}",
        f"7KQM 4PXR 9T3W {x}",
        f" 7kqm.4pxr.9t3w.{x} ",
        f"7KQM\u20134PXR\u20139T3W\u2013{x}",
        f"\uff17\uff2b\uff31\uff2d4PXR9T3W{x}",  # full-width from a phone keyboard
    ):
        assert parse_code(typed) == code


def test_o_is_read_as_zero_and_i_and_l_as_one() -> None:
    data = "0011AB01CD10"
    code = ClientCode(data + check_symbol(data))
    assert parse_code("OoIL-AB0i-CDlO-" + code.last_group) == code


# The proof. A code is valid when Σ w_i·v_i = 0 in GF(32) (v_i the value of symbol i, the check
# character included). The sum is linear: changing symbol i from a to b changes it by w_i·(a+b),
# whatever the other symbols are, and swapping a at i with b at j changes it by (w_i+w_j)·(a+b).
# So checking every position and every pair of symbols, as below, checks every one of the 2^60
# codes; the first two tests pin the linearity and the field the proof rests on.


def test_gf32_is_a_field_and_the_weights_are_distinct_and_non_zero() -> None:
    elements = range(32)
    for a in elements:
        for b in elements:
            assert gf_multiply(a, b) == gf_multiply(b, a)
            assert 0 <= gf_multiply(a, b) < 32
    for a in range(1, 32):  # every non-zero element has an inverse: no zero divisors
        assert sorted(gf_multiply(a, b) for b in elements) == list(elements)
    assert len(WEIGHTS) == CODE_LENGTH
    assert len(set(WEIGHTS)) == CODE_LENGTH and 0 not in WEIGHTS


@settings(max_examples=200, deadline=None)
@given(eight_bytes, eight_bytes)
def test_the_weighted_sum_is_linear_so_an_error_acts_the_same_on_every_code(
    raw_a: bytes, raw_b: bytes
) -> None:
    a, b = code_from(raw_a).canonical, code_from(raw_b).canonical
    xor = "".join(DATA_SYMBOLS[DATA_SYMBOLS.index(x) ^ DATA_SYMBOLS.index(y)] for x, y in zip(a, b, strict=True))
    assert weighted_sum(xor) == weighted_sum(a) ^ weighted_sum(b)
    assert weighted_sum(a) == 0 == weighted_sum(b)


def _term(position: int, symbol: str) -> int:
    return gf_multiply(WEIGHTS[position], DATA_SYMBOLS.index(symbol))


def test_every_single_substitution_is_caught_exhaustively() -> None:
    """13 positions × 32 × 31 ordered pairs of symbols: each changes the sum."""
    cases = 0
    for position in range(CODE_LENGTH):
        for a in DATA_SYMBOLS:
            for b in DATA_SYMBOLS:
                if a != b:
                    assert _term(position, a) != _term(position, b)
                    cases += 1
    assert cases == 13 * 32 * 31


def test_every_swap_is_caught_exhaustively_adjacent_and_with_the_check_character() -> None:
    """Any two positions (the 12 adjacent pairs, the last with the check character, among them)
    × any two different symbols: the swap changes the sum."""
    cases = 0
    for i in range(CODE_LENGTH):
        for j in range(i + 1, CODE_LENGTH):
            for a in DATA_SYMBOLS:
                for b in DATA_SYMBOLS:
                    if a != b:
                        before = _term(i, a) ^ _term(j, b)
                        assert before != _term(i, b) ^ _term(j, a)
                        cases += 1
    assert cases == 78 * 32 * 31


@settings(max_examples=100, deadline=None)
@given(eight_bytes)
def test_every_single_character_typo_of_a_new_code_is_refused(raw: bytes) -> None:
    """End to end through parse_code: a typo either fails the check or is a character codes
    never use; one that passes the old mod-37 check is a legacy candidate and nothing more."""
    code = code_from(raw)
    canonical = code.canonical
    for index in range(CODE_LENGTH):
        for symbol in LEGACY_CHECK_SYMBOLS:
            if symbol == canonical[index]:
                continue
            typo = canonical[:index] + symbol + canonical[index + 1 :]
            try:
                read = parse_code(typo)
            except InvalidCode as caught:
                assert caught.reason in {"check_failed", "bad_character"}
            else:
                assert read.legacy, typo


@settings(max_examples=100, deadline=None)
@given(eight_bytes)
def test_every_adjacent_swap_of_a_new_code_is_refused(raw: bytes) -> None:
    canonical = code_from(raw).canonical
    for index in range(CODE_LENGTH - 1):
        a, b = canonical[index], canonical[index + 1]
        if a == b:
            continue
        swapped = canonical[:index] + b + a + canonical[index + 2 :]
        try:
            read = parse_code(swapped)
        except InvalidCode as caught:
            assert caught.reason == "check_failed"
        else:
            assert read.legacy


def test_a_new_code_ends_in_a_letter_or_digit_and_is_never_legacy() -> None:
    for n in range(3000):
        code = code_from((n << 4).to_bytes(8, "big"))
        assert code.last_group in DATA_SYMBOLS and not code.legacy


def test_codes_handed_out_under_the_old_mod_37_check_are_still_read() -> None:
    old: dict[str, str] = {}
    for n in range(4000):
        data = code_from((n * 7919 << 4).to_bytes(8, "big")).canonical[:DATA_LENGTH]
        old.setdefault(legacy_check_symbol(data), data)
    assert set(old) == set(LEGACY_CHECK_SYMBOLS)  # all 37, the five symbols among them
    for symbol, data in old.items():
        grouped = f"{data[0:4]}-{data[4:8]}-{data[8:12]}-{symbol}".lower()
        read = parse_code(grouped)
        assert read.canonical == data + symbol
        assert read.legacy == (symbol != check_symbol(data))
    assert legacy_check_symbol("6NQAXEHVW3DR") == "="  # the audit's example


@pytest.mark.parametrize("typed", ["", "   ", "- - -", "\n"])
def test_nothing_typed_is_empty(typed: str) -> None:
    with pytest.raises(InvalidCode) as caught:
        parse_code(typed)
    assert caught.value.reason == "empty"
    assert caught.value.position is None and caught.value.group is None


@pytest.mark.parametrize("typed", ["7KQM-4PXR-9T3W", "7KQM-4PXR-9T3W-XX", "7", "7" * 65])
def test_too_few_or_too_many_characters_is_wrong_length(typed: str) -> None:
    with pytest.raises(InvalidCode) as caught:
        parse_code(typed)
    assert caught.value.reason == "wrong_length"


@pytest.mark.parametrize(
    ("typed", "position", "group"),
    [
        ("7KQM-4P!R-9T3W-X", 7, 2),
        ("7KQM-4PXR-9T3W-#", 13, 4),
        ("ÄKQM-4PXR-9T3W-X", 1, 1),
        ("7KQM-4PXR-9T*W-X", 11, 3),  # a check-only symbol among the data
        ("7KQM-4PXU-9T3W-X", 8, 2),  # U is a check symbol only
    ],
)
def test_a_bad_character_names_its_position_and_group(
    typed: str, position: int, group: int
) -> None:
    with pytest.raises(InvalidCode) as caught:
        parse_code(typed)
    assert caught.value.reason == "bad_character"
    assert (caught.value.position, caught.value.group) == (position, group)


def test_a_wrong_check_character_is_check_failed_and_blames_no_group() -> None:
    data = "7KQM4PXR9T3W"
    wrong = next(s for s in CHECK_SYMBOLS if s not in (check_symbol(data), legacy_check_symbol(data)))
    with pytest.raises(InvalidCode) as caught:
        parse_code(data + wrong)
    assert caught.value.reason == "check_failed"
    assert caught.value.group is None


def test_the_error_never_repeats_the_code() -> None:
    data = "7KQM4PXR9T3W"
    wrong = next(s for s in CHECK_SYMBOLS if s not in (check_symbol(data), legacy_check_symbol(data)))
    with pytest.raises(InvalidCode) as caught:
        parse_code(data + wrong)
    assert "7KQM" not in str(caught.value) and "7KQM" not in repr(caught.value)


def test_a_client_code_cannot_be_built_invalid() -> None:
    with pytest.raises(InvalidCode):
        ClientCode("7KQM4PXR9T3W" + "?")
    with pytest.raises(InvalidCode):
        ClientCode("7kqm4pxr9t3w" + check_symbol("7KQM4PXR9T3W"))
