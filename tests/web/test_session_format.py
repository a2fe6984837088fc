"""The session's stored form: plain JSON with bytes tagged as Flask tags them."""

from __future__ import annotations

from flask.json.tag import TaggedJSONSerializer

from portal.sessions import SERIALIZER

VISIT = {
    "visit": {"code": "ABCD-EFGH-JKLM", "answers": {"audit_c_1": "monthly", "drugs": ["cannabis"]}},
    "done_keys": {"lookup": b"\x00\x01\xfe" * 8, "seal": bytes(range(32))},
    "lang": "sv",
    "seen": 1764590400.5,
    "tablet": True,
    "nothing": None,
}


def test_what_flask_wrote_still_opens_and_flask_reads_what_we_write() -> None:
    flask = TaggedJSONSerializer()
    assert SERIALIZER.loads(flask.dumps(VISIT)) == VISIT
    assert flask.loads(SERIALIZER.dumps(VISIT)) == VISIT
    assert SERIALIZER.loads(SERIALIZER.dumps(VISIT)) == VISIT


def test_a_session_cannot_hold_what_json_cannot_say() -> None:
    import datetime as dt

    import pytest

    with pytest.raises(TypeError, match="cannot hold date"):
        SERIALIZER.dumps({"when": dt.date(2026, 12, 1)})
