"""The client code: make one, read one back from what a person typed, and check it."""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

# Crockford base32: no I, L, O, U, so nothing on a slip reads as two different characters.
DATA_SYMBOLS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Crockford's check symbols: the 32 above and five more, for a check value modulo 37.
CHECK_SYMBOLS = DATA_SYMBOLS + "*~$=U"
DATA_LENGTH = 12
CODE_LENGTH = DATA_LENGTH + 1
GROUP_SIZE = 4
RANDOM_BITS = 5 * DATA_LENGTH  # 60

# What a person or a scanner may add or mistype that still means one symbol.
_ALIASES = {"O": "0", "I": "1", "L": "1"}
# Separators are dropped; the check symbols *~$= are not separators and are kept.
_SEPARATORS = frozenset(" \t\r\n-_.,:;/\\|\u00a0\u2010\u2011\u2012\u2013\u2014\u2212\u00b7")
# Anything longer is not a mistyped code; refusing early keeps a hostile input cheap.
_MAX_INPUT = 64

_DATA_VALUE = {symbol: value for value, symbol in enumerate(DATA_SYMBOLS)}

InvalidReason = Literal["empty", "wrong_length", "bad_character", "check_failed"]


class CodeError(Exception):
    """Base of the small exceptions about a code a person gave us."""


class InvalidCode(CodeError):
    """The text is not a well-formed code; `reason` says why, for a translated message.

    `position` and `group` count from 1, as a person would say them ("the 6th character", "the
    second group"), separators not counted; they are set only when one character can be blamed. The message never holds
    any part of the code, so the exception is safe to log.
    """

    def __init__(self, reason: InvalidReason, *, position: int | None = None) -> None:
        super().__init__(reason if position is None else f"{reason} at position {position}")
        self.reason: InvalidReason = reason
        self.position = position
        self.group = None if position is None else (position - 1) // GROUP_SIZE + 1


def check_symbol(data: str) -> str:
    """Crockford's check symbol for 12 data symbols: the number they spell, modulo 37."""
    number = 0
    for symbol in data:
        number = number * 32 + _DATA_VALUE[symbol]
    return CHECK_SYMBOLS[number % 37]


@dataclass(frozen=True, repr=False)
class ClientCode:
    """A valid code in canonical form (12 data symbols + 1 check symbol, upper case)."""

    canonical: str

    def __post_init__(self) -> None:
        # A ClientCode is always valid, however it was made.
        _validate(self.canonical)

    @property
    def grouped(self) -> str:
        """For reading aloud and printing: 7KQM-4PXR-9T3W-X."""
        c = self.canonical
        groups = [c[i : i + GROUP_SIZE] for i in range(0, CODE_LENGTH, GROUP_SIZE)]
        return "-".join(groups)

    @property
    def last_group(self) -> str:
        """The last group of `grouped` (the check symbol, as the code is grouped 4-4-4-1)."""
        return self.grouped.rsplit("-", 1)[-1]

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

    Raises InvalidCode; the check symbol is verified here, before anything costly is done.
    """
    if len(text) > _MAX_INPUT:
        raise InvalidCode("wrong_length")
    # NFKC turns full-width letters and digits from some phone keyboards into plain ASCII.
    folded = unicodedata.normalize("NFKC", text).upper()
    symbols = "".join(_ALIASES.get(ch, ch) for ch in folded if ch not in _SEPARATORS)
    if not symbols:
        raise InvalidCode("empty")
    for index, ch in enumerate(symbols):
        if ch not in CHECK_SYMBOLS:
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
    if canonical[-1] not in CHECK_SYMBOLS:
        raise InvalidCode("bad_character", position=CODE_LENGTH)
    if check_symbol(canonical[:DATA_LENGTH]) != canonical[-1]:
        raise InvalidCode("check_failed")
