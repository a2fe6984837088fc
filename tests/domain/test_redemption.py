"""Redeeming a code: the record and its answers, reviews with a date, the audit log without codes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.config import Settings
from portal.domain import audit, rating, redemption
from portal.domain.audit import Action
from portal.domain.codes import ClientCode, new_code
from portal.domain.questionnaire import load_default
from portal.domain.submissions import ExpiredCode, UnknownCode
from portal.models import AuditEntry, MonthlyCount
from tests.pro_support import AFTER_OVERDOSE, SELF_CARE, store

TODAY = dt.date(2025, 3, 1)


def open_(
    db_session: Session, settings: Settings, code: ClientCode, today: dt.date = TODAY
) -> redemption.Opened:
    return redemption.redeem(
        db_session, code, today=today, secret=settings.code_secret, log2n=settings.kdf_log2n
    )


def test_a_code_opens_its_record_and_answers_but_is_not_kept(
    db_session: Session, settings: Settings
) -> None:
    code = store(db_session, settings, today=TODAY)
    opened = open_(db_session, settings, code)
    assert opened.answers["housing"] == "own_home"
    assert opened.code_tail == code.last_group
    assert code.canonical not in repr(opened)


def test_a_code_can_be_redeemed_again_until_it_expires(
    db_session: Session, settings: Settings
) -> None:
    code = store(db_session, settings, today=TODAY)
    first = open_(db_session, settings, code)
    last_day = TODAY + dt.timedelta(days=settings.code_days)
    assert open_(db_session, settings, code, today=last_day).submission_id == first.submission_id
    with pytest.raises(ExpiredCode):
        open_(db_session, settings, code, today=last_day + dt.timedelta(days=1))


def test_an_unknown_code_is_told_apart(db_session: Session, settings: Settings) -> None:
    with pytest.raises(UnknownCode):
        open_(db_session, settings, new_code())


def test_the_summary_scores_the_answers_with_the_questionnaire(
    db_session: Session, settings: Settings
) -> None:
    code = store(db_session, settings, AFTER_OVERDOSE, today=TODAY)
    opened = open_(db_session, settings, code)
    found = redemption.summary(db_session, opened.submission_id, opened.answers, load_default())
    assert found.result.acute_flags
    assert set(found.result.topics) == {"alcohol", "housing"}
    assert found.reviews == [] and found.latest_review is None


def test_the_ratings_give_the_segment_which_confirms_or_corrects(
    db_session: Session, settings: Settings
) -> None:
    code = store(db_session, settings, SELF_CARE, today=TODAY)
    opened = open_(db_session, settings, code)
    confirmed = redemption.review(
        db_session,
        submission_id=opened.submission_id,
        account_id=None,
        given=rating.make_rating(capability="copes", risk="some"),
        provisional="self_care",
        today=TODAY,
    )
    corrected = redemption.review(
        db_session,
        submission_id=opened.submission_id,
        account_id=None,
        given=rating.make_rating(
            capability="copes", risk="few", override="undetermined", reason="need_more_information"
        ),
        provisional="self_care",
        today=TODAY + dt.timedelta(days=2),
    )
    db_session.commit()
    assert confirmed.agrees and confirmed.segment == "self_care" and not confirmed.overridden
    assert not corrected.agrees and corrected.overridden
    reviews = redemption.reviews_of(db_session, opened.submission_id)
    assert [(r.segment, r.reviewed_on) for r in reviews] == [
        ("self_care", TODAY),
        ("undetermined", TODAY + dt.timedelta(days=2)),
    ]


@pytest.mark.parametrize(
    ("capability", "risk", "segment"),
    [
        ("copes", "few", "self_care"),
        ("copes", "some", "self_care"),
        ("some_help", "few", "supported"),
        ("lots_of_help", "some", "supported"),
        ("copes", "many", "collaborative"),
        ("some_help", "many", "intensive"),
        ("cannot_say", "many", "undetermined"),
        ("copes", "cannot_say", "undetermined"),
    ],
)
def test_the_segment_follows_from_the_two_ratings(capability: str, risk: str, segment: str) -> None:
    assert rating.segment_from(capability, risk) == segment


def test_each_axis_is_compared_with_the_client_side() -> None:
    sides = rating.client_sides("supported")  # lower capability, lower risk
    assert rating.axis_outcome("capability", "some_help", sides["capability"]) == "agree"
    assert rating.axis_outcome("risk", "many", sides["risk"]) == "disagree"
    assert rating.axis_outcome("risk", "cannot_say", sides["risk"]) == "pro_cannot_say"
    assert rating.axis_outcome("risk", "few", rating.client_sides(None)["risk"]) == "no_client_side"


def test_no_provisional_segment_is_confirmed_by_cannot_say_yet() -> None:
    assert redemption.agrees(None, "undetermined")
    assert not redemption.agrees(None, "supported")
    assert redemption.agrees("supported", "supported")


@pytest.mark.parametrize(
    "values",
    [
        {"capability": "addict", "risk": "few"},
        {"capability": "copes", "risk": "few", "override": "supported"},  # no reason
        {"capability": "copes", "risk": "few", "override": "supported", "reason": "free text"},
        {"capability": "copes", "risk": "few", "reason": "client_view"},  # reason, no override
        {"capability": "copes", "risk": "few", "routed": ["the pub"]},
        {"capability": "copes", "risk": "few", "appointment": "maybe"},
    ],
)
def test_only_the_fixed_values_are_accepted(values: dict[str, object]) -> None:
    with pytest.raises(rating.InvalidRating):
        rating.make_rating(**values)  # type: ignore[arg-type]


def test_only_the_first_review_and_the_first_redemption_are_counted(
    db_session: Session, settings: Settings
) -> None:
    code = store(db_session, settings, SELF_CARE, today=TODAY)
    opened = open_(db_session, settings, code, today=TODAY + dt.timedelta(days=3))
    open_(db_session, settings, code, today=TODAY + dt.timedelta(days=4))
    for _ in range(2):
        redemption.review(
            db_session,
            submission_id=opened.submission_id,
            account_id=None,
            given=rating.make_rating(capability="copes", risk="few", routed=["peer_support"]),
            provisional="self_care",
            today=TODAY,
        )
    db_session.commit()
    counts: dict[tuple[str, str], int] = {}
    for r in db_session.scalars(select(MonthlyCount)).all():
        counts[(r.event, r.outcome)] = counts.get((r.event, r.outcome), 0) + r.count
    assert counts[("redemption", "1_14")] == 1
    assert counts[("review", "self_care")] == 1
    assert counts[("routing", "peer_support")] == 1
    assert counts[("axis", "agree")] == 2  # one per axis, once


def test_a_record_deleted_while_open_is_gone(db_session: Session, settings: Settings) -> None:
    code = store(db_session, settings, today=TODAY)
    opened = open_(db_session, settings, code)
    db_session.delete(db_session.get(redemption.Submission, opened.submission_id))
    db_session.commit()
    with pytest.raises(redemption.RecordGone):
        redemption.summary(db_session, opened.submission_id, opened.answers, load_default())


def test_the_audit_log_takes_fixed_words_only(db_session: Session) -> None:
    at = dt.datetime(2025, 3, 1, 9, 30)
    audit.record(db_session, Action.REDEEM_FAILED, at=at, username="anna", detail="check_failed")
    with pytest.raises(ValueError, match="fixed word"):
        audit.record(db_session, Action.REDEEM_FAILED, at=at, detail="7KQM-4PXR-9T3W-X")
    with pytest.raises(ValueError, match="fixed word"):
        audit.record(db_session, Action.REDEEM_FAILED, at=at, detail="x" * 65)


def test_the_audit_log_reads_newest_first_and_downloads_as_csv(db_session: Session) -> None:
    for minute, action in enumerate([Action.LOGIN, Action.REDEEM, Action.CONFIRM]):
        audit.record(
            db_session,
            action,
            at=dt.datetime(2025, 3, 1, 9, minute),
            username="anna",
            submission_id=None if action is Action.LOGIN else 7,
        )
    db_session.commit()
    assert [e.action for e in audit.entries(db_session)] == ["confirm", "redeem", "login"]
    assert audit.count(db_session, action="redeem") == 1
    lines = list(audit.csv_lines(audit.all_entries(db_session)))
    assert lines[0] == "id,time_utc,account,action,record,detail\r\n"
    assert lines[2] == "2,2025-03-01 09:01:00Z,anna,redeem,7,\r\n"
    assert len(db_session.scalars(select(AuditEntry)).all()) == 3
