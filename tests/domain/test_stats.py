"""Statistics: by month at the finest, and no cell that counts fewer than 5 people."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from portal.domain import stats

SEGMENTS = ("self_care", "supported", "collaborative", "intensive")
NOV = dt.date(2026, 11, 23)


def assess(db: Session, segment: str | None, n: int, assisted: bool = False) -> None:
    for _ in range(n):
        stats.count_assessment(db, day=NOV, segment=segment, language="fi", assisted=assisted)


def test_counts_are_by_month_and_segment(db_session: Session) -> None:
    assess(db_session, "self_care", 6)
    assess(db_session, "intensive", 7, assisted=True)
    stats.count_assessment(
        db_session, day=dt.date(2026, 10, 2), segment="supported", language="sv", assisted=False
    )
    db_session.commit()
    rows = stats.monthly(db_session, SEGMENTS)
    assert [r.month for r in rows] == ["2026-11", "2026-10"]
    november = rows[0]
    assert november.assessments == 13
    assert november.by_segment["self_care"] == 6 and november.by_segment["intensive"] == 7
    assert november.assisted == 7
    assert rows[1].assessments is None, "one person in October must not be shown"


def test_a_lone_small_cell_takes_the_next_smallest_with_it(db_session: Session) -> None:
    assess(db_session, "self_care", 20)
    assess(db_session, "supported", 6)
    assess(db_session, "collaborative", 2)
    db_session.commit()
    row = stats.monthly(db_session, SEGMENTS)[0]
    assert row.assessments == 28
    assert row.by_segment["collaborative"] is None
    assert row.by_segment["supported"] is None, "else 28 - 20 - 6 would reveal the 2"
    assert row.by_segment["self_care"] == 20


def test_assisted_is_hidden_when_the_unassisted_rest_is_small(db_session: Session) -> None:
    assess(db_session, "self_care", 8, assisted=True)
    assess(db_session, "self_care", 2)
    db_session.commit()
    assert stats.monthly(db_session, SEGMENTS)[0].assisted is None


def test_reviews_say_how_often_the_provisional_segment_held(db_session: Session) -> None:
    for _ in range(5):
        stats.count_review(db_session, day=NOV, provisional="supported", decision="supported")
    for _ in range(6):
        stats.count_review(db_session, day=NOV, provisional="supported", decision="intensive")
    db_session.commit()
    row = stats.monthly(db_session, SEGMENTS)[0]
    assert (row.reviews, row.confirmed, row.corrected) == (11, 5, 6)
