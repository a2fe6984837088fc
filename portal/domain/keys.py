"""The keys a client code opens: a lookup key to find the record, a seal key to encrypt it."""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from portal.domain.codes import ClientCode

# Bumped if the derivation ever changes, so old and new keys can never be confused.
_CONTEXT = b"portal/client-code/v1:"
_R = 8
_P = 1
_NONCE_BYTES = 12
MIN_SECRET_BYTES = 16


class UnsealError(Exception):
    """A sealed value does not open with this key and context: corrupted or tampered with."""


@dataclass(frozen=True, repr=False)
class CodeKeys:
    """Two independent 32-byte keys derived from one code."""

    lookup: bytes
    seal: bytes

    def __repr__(self) -> str:
        return "CodeKeys(<secret>)"


def derive_keys(code: ClientCode, secret: bytes, log2n: int) -> CodeKeys:
    """One scrypt run (n = 2**log2n, r = 8, p = 1) over the code, salted with the server secret.

    The secret is not in the database, so a stolen database alone is no help in guessing codes;
    with the secret too, every guess still costs a full scrypt run.
    """
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"the code secret must hold at least {MIN_SECRET_BYTES} bytes")
    if not 10 <= log2n <= 22:
        raise ValueError("log2n must be between 10 and 22")
    n = 1 << log2n
    # OpenSSL refuses above 32 MiB by default, which n = 2**15 with r = 8 already needs.
    maxmem = 2 * 128 * _R * n + (1 << 20)
    out = hashlib.scrypt(
        _CONTEXT + code.canonical.encode("ascii"),
        salt=secret,
        n=n,
        r=_R,
        p=_P,
        dklen=64,
        maxmem=maxmem,
    )
    return CodeKeys(lookup=out[:32], seal=out[32:])


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """AES-256-GCM with a random 96-bit nonce, returned as nonce + ciphertext + tag.

    Every key here seals one record (plus the rare re-seal), so random nonces never repeat in
    practice.
    """
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def unseal(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    """The plaintext of `seal(key, plaintext, aad)`; UnsealError if anything does not match."""
    nonce, body = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
    try:
        return AESGCM(key).decrypt(nonce, body, aad)
    except InvalidTag:
        raise UnsealError("sealed data does not open with this key") from None


@dataclass(frozen=True, repr=False)
class CodeKeyring:
    """The one holder of the code secret and the derivation cost, made once at start-up.

    Everything that turns a code into keys asks this object, so nobody passes the secret and
    the cost around by hand, and a repr or a traceback never shows the secret.
    """

    secret: bytes
    log2n: int

    def __post_init__(self) -> None:
        if len(self.secret) < MIN_SECRET_BYTES:
            raise ValueError(f"the code secret must hold at least {MIN_SECRET_BYTES} bytes")
        if not 10 <= self.log2n <= 22:
            raise ValueError("log2n must be between 10 and 22")

    def keys(self, code: ClientCode) -> CodeKeys:
        return derive_keys(code, self.secret, self.log2n)

    def record_ref(self, record_id: int) -> str:
        """A keyed reference to a record for the audit log: the same record always gives the
        same reference, but without the secret the log cannot be joined to the records."""
        message = b"portal/audit-record/v1:" + str(record_id).encode("ascii")
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()[:16]

    def _staff_key(self) -> bytes:
        return hmac.new(self.secret, b"portal/staff-second-factor/v1", hashlib.sha256).digest()

    def seal_staff_secret(self, value: str, account_id: int) -> bytes:
        """A staff member's TOTP secret, sealed and bound to their account."""
        return seal(self._staff_key(), value.encode("ascii"), f"account:{account_id}".encode())

    def open_staff_secret(self, sealed: bytes, account_id: int) -> str:
        aad = f"account:{account_id}".encode()
        return unseal(self._staff_key(), sealed, aad).decode("ascii")

    def __repr__(self) -> str:
        return f"CodeKeyring(<secret>, log2n={self.log2n})"
