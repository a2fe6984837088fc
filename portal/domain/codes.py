"""The client code: make one, read one back from what a person typed, and check it.

The check character comes from the same 32 letters and digits as the rest of the code. It is a
weighted sum over GF(32), the field of 32 elements: with every symbol read as an element and the
13 positions given 13 different non-zero weights, a valid code sums to zero. One wrong character
changes the sum by (weight × difference), never zero; swapping two different characters changes it
by (difference of the weights × difference of the characters), never zero either — for adjacent
characters, the check character included, and for any two positions. tests/domain/test_codes.py
proves both over every position and every pair of symbols; as the sum is linear, that covers
every code.

Codes handed out before this scheme (Crockford's mod-37 check, which may end in * ~ $ = U) are
still read: see `ClientCode.legacy` and the README ("The client code").
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

# Crockford base32: no I, L, O, U, so nothing on a slip reads as two different characters.
DATA_SYMBOLS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# The check character comes from the same 32 symbols.
CHECK_SYMBOLS = DATA_SYMBOLS
# The old scheme's extra check symbols: accepted in the last place only, for codes made before.
LEGACY_CHECK_SYMBOLS = DATA_SYMBOLS + "*~$=U"
DATA_LENGTH = 12
CODE_LENGTH = DATA_LENGTH + 1
GROUP_SIZE = 4
RANDOM_BITS = 5 * DATA_LENGTH  # 60

# What a person or a scanner may add or mistype that still means one symbol.
_ALIASES = {"O": "0", "I": "1", "L": "1"}
# Separators are dropped; the old check symbols *~$= are not separators and are kept.
_SEPARATORS = frozenset(" \t\r\n-_.,:;/\\|\u00a0\u2010\u2011\u2012\u2013\u2014\u2212\u00b7")
# Anything longer is not a mistyped code; refusing early keeps a hostile input cheap.
_MAX_INPUT = 64

_DATA_VALUE = {symbol: value for value, symbol in enumerate(DATA_SYMBOLS)}

# GF(32) = GF(2)[x] / (x^5 + x^2 + 1); x is a generator of its 31 non-zero elements.
_MODULUS = 0b100101


def gf_multiply(a: int, b: int) -> int:
    """The product of two elements of GF(32), each an int 0–31 (bit i = coefficient of x^i)."""
    product = 0
    while b:
        if b & 1:
            product ^= a
        b >>= 1
        a <<= 1
        if a & 0b100000:
            a ^= _MODULUS
    return product


def _powers_of_x(count: int) -> tuple[int, ...]:
    powers, value = [], 1
    for _ in range(count):
        powers.append(value)
        value = gf_multiply(value, 0b10)
    return tuple(powers)


# Position i (0–12, the check character last) weighs x^i: 13 different non-zero elements, as x
# has order 31.
WEIGHTS = _powers_of_x(CODE_LENGTH)
_CHECK_INVERSE = next(v for v in range(1, 32) if gf_multiply(v, WEIGHTS[-1]) == 1)

InvalidReason = Literal["empty", "wrong_length", "bad_character", "check_failed"]


class CodeError(Exception):
    """Base of the small exceptions about a code a person gave us."""


class InvalidCode(CodeError):
    """The text is not a well-formed code; `reason` says why, for a translated message.

    `position` and `group` count from 1, as a person would say them ("the 6th character", "the
    second group"), separators not counted; they are set only when one character can be blamed.
    The message never holds any part of the code, so the exception is safe to log.
    """

    def __init__(self, reason: InvalidReason, *, position: int | None = None) -> None:
        super().__init__(reason if position is None else f"{reason} at position {position}")
        self.reason: InvalidReason = reason
        self.position = position
        self.group = None if position is None else (position - 1) // GROUP_SIZE + 1


def weighted_sum(symbols: str) -> int:
    """Σ weight(i) × value(symbol i) in GF(32), over up to 13 data symbols; 0 for a valid code."""
    total = 0
    for weight, symbol in zip(WEIGHTS, symbols, strict=False):
        total ^= gf_multiply(weight, _DATA_VALUE[symbol])
    return total


def check_symbol(data: str) -> str:
    """The check character for 12 data symbols: the one that makes the weighted sum zero."""
    return DATA_SYMBOLS[gf_multiply(weighted_sum(data[:DATA_LENGTH]), _CHECK_INVERSE)]


def legacy_check_symbol(data: str) -> str:
    """Crockford's mod-37 check symbol, used for codes made before 2026-12 (read only)."""
    number = 0
    for symbol in data:
        number = number * 32 + _DATA_VALUE[symbol]
    return LEGACY_CHECK_SYMBOLS[number % 37]


@dataclass(frozen=True, repr=False)
class ClientCode:
    """A valid code in canonical form (12 data symbols + 1 check symbol, upper case)."""

    canonical: str

    def __post_init__(self) -> None:
        # A ClientCode is always valid, however it was made.
        _validate(self.canonical)

    @property
    def legacy(self) -> bool:
        """Valid only under the old mod-37 check: a code made before the GF(32) check.

        Such a code is looked up like any other; if nothing is found, the web layer reports it as
        a typo, so a typo in a new code that happens to pass the old check reads exactly as any
        other typo.
        """
        return check_symbol(self.canonical) != self.canonical[-1]

    @property
    def grouped(self) -> str:
        """For reading aloud and printing: 7KQM-4PXR-9T3W-X."""
        return "-".join(self.groups)

    @property
    def groups(self) -> tuple[str, ...]:
        """The groups of 4, 4, 4 and 1 characters."""
        c = self.canonical
        return tuple(c[i : i + GROUP_SIZE] for i in range(0, CODE_LENGTH, GROUP_SIZE))

    @property
    def last_group(self) -> str:
        """The last group of `grouped` (the check symbol, as the code is grouped 4-4-4-1)."""
        return self.groups[-1]

    def __str__(self) -> str:
        return self.grouped

    def __repr__(self) -> str:
        # Reprs end up in logs and tracebacks; the code must never be logged, not even in part.
        return "ClientCode(****-****-****-*)"


def new_code(rand: Callable[[int], bytes] = secrets.token_bytes) -> ClientCode:
    """A fresh code from 60 random bits (8 bytes drawn, the low 4 bits dropped)."""
    number = int.from_bytes(rand(8), "big") >> (64 - RANDOM_BITS)
    data = "".join(
        DATA_SYMBOLS[(number >> (5 * (DATA_LENGTH - 1 - i))) & 31] for i in range(DATA_LENGTH)
    )
    return ClientCode(data + check_symbol(data))


def parse_code(text: str) -> ClientCode:
    """Read a code as typed or scanned: any case, separators ignored, O as 0, I and L as 1.

    Raises InvalidCode; the check character is verified here, before anything costly is done.
    """
    if len(text) > _MAX_INPUT:
        raise InvalidCode("wrong_length")
    # NFKC turns full-width letters and digits from some phone keyboards into plain ASCII.
    folded = unicodedata.normalize("NFKC", text).upper()
    symbols = "".join(_ALIASES.get(ch, ch) for ch in folded if ch not in _SEPARATORS)
    if not symbols:
        raise InvalidCode("empty")
    for index, ch in enumerate(symbols):
        if ch not in LEGACY_CHECK_SYMBOLS:
            raise InvalidCode("bad_character", position=index + 1)
    if len(symbols) != CODE_LENGTH:
        raise InvalidCode("wrong_length")
    return ClientCode(symbols)


def _validate(canonical: str) -> None:
    if len(canonical) != CODE_LENGTH:
        raise InvalidCode("wrong_length")
    for index, ch in enumerate(canonical[:DATA_LENGTH]):
        if ch not in _DATA_VALUE:
            raise InvalidCode("bad_character", position=index + 1)
    last = canonical[-1]
    if last not in LEGACY_CHECK_SYMBOLS:
        raise InvalidCode("bad_character", position=CODE_LENGTH)
    data = canonical[:DATA_LENGTH]
    if check_symbol(data) != last and legacy_check_symbol(data) != last:
        raise InvalidCode("check_failed")
