"""Statistics: closed months only, by month at the finest, and no cell under 5 people."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain import stats
from portal.models import MonthlyCount

NOV = dt.date(2026, 11, 23)
TODAY = dt.date(2026, 12, 1)


def assess(
    db: Session, segment: str | None, n: int, assisted: bool = False, lang: str = "fi"
) -> None:
    for _ in range(n):
        stats.count_assessment(db, day=NOV, segment=segment, language=lang, assisted=assisted)


def review(db: Session, provisional: str, decision: str, n: int, **extra: object) -> None:
    for _ in range(n):
        stats.count_review(db, day=NOV, provisional=provisional, decision=decision, **extra)  # type: ignore[arg-type]


def test_only_closed_months_are_reported(db_session: Session) -> None:
    assess(db_session, "self_care", 9)
    db_session.commit()
    with pytest.raises(stats.MonthNotClosed):
        stats.report(db_session, "2026-11", today=dt.date(2026, 11, 30))
    with pytest.raises(stats.MonthNotClosed):
        stats.report(db_session, "2027-01", today=TODAY)
    assert stats.report(db_session, "2026-11", today=TODAY).assessments.total == 9
    assert stats.closed_months(dt.date(2026, 1, 15), 2) == ["2025-12", "2025-11"]
    assert [m.month for m in stats.overview(db_session, ["2026-12", "2026-11"], today=TODAY)] == [
        "2026-11"
    ]


def test_counts_are_by_segment_language_and_assisted(db_session: Session) -> None:
    assess(db_session, "self_care", 6)
    assess(db_session, "intensive", 7, assisted=True, lang="sv")
    stats.count_assessment(
        db_session, day=dt.date(2026, 10, 2), segment="supported", language="sv", assisted=False
    )
    db_session.commit()
    november = stats.report(db_session, "2026-11", today=TODAY)
    assert november.assessments.total == 13
    assert november.assessments.cells["self_care"] == 6
    assert november.assessments.cells["intensive"] == 7
    assert november.languages.cells == {"fi": 6, "sv": 7, "en": 0}
    assert november.assisted.cells == {"assisted": 7, "self": 6}
    october = stats.report(db_session, "2026-10", today=TODAY)
    assert october.assessments.total is None, "one person in October must not be shown"


def test_a_lone_small_cell_takes_the_next_smallest_with_it(db_session: Session) -> None:
    assess(db_session, "self_care", 20)
    assess(db_session, "supported", 6)
    assess(db_session, "collaborative", 2)
    db_session.commit()
    line = stats.report(db_session, "2026-11", today=TODAY).assessments
    assert line.total == 28
    assert line.cells["collaborative"] is None
    assert line.cells["supported"] is None, "else 28 - 20 - 6 would reveal the 2"
    assert line.cells["self_care"] == 20


def test_assisted_is_hidden_when_the_unassisted_rest_is_small(db_session: Session) -> None:
    assess(db_session, "self_care", 8, assisted=True)
    assess(db_session, "self_care", 2)
    db_session.commit()
    assert stats.report(db_session, "2026-11", today=TODAY).assisted.cells["assisted"] is None


def test_a_two_way_table_hides_complements_in_rows_and_columns() -> None:
    counts = {("a", "a"): 20, ("a", "b"): 3, ("b", "a"): 9, ("b", "b"): 30}
    table = stats.make_table(counts, ("a", "b"), ("a", "b"))
    assert table.cells[("a", "b")] is None
    # Row a: its total shown would give 3 = 23 - 20, so another entry in row a goes too;
    # and the same in column b. No row or column may keep exactly one hidden entry.
    for r in ("a", "b", "*"):
        line = [table.cells.get((r, c)) if r != "*" else table.column_totals[c] for c in ("a", "b")]
        line.append(table.row_totals[r] if r != "*" else table.total)
        assert sum(v is None for v in line) != 1, r
    for c in ("a", "b"):
        line = [table.cells[(r, c)] for r in ("a", "b")] + [table.column_totals[c]]
        assert sum(v is None for v in line) != 1, c


def test_redemptions_are_counted_in_day_bands() -> None:
    assert [stats.day_band(d) for d in (0, 1, 14, 15, 30, 31)] == [
        "same_day", "1_14", "1_14", "15_30", "15_30", "over_30",
    ]  # fmt: skip


def test_redemptions_and_the_share_redeemed(db_session: Session) -> None:
    assess(db_session, "self_care", 20)
    for days in (0,) * 5 + (3,) * 6:
        stats.count_redemption(db_session, day=NOV, assessed_on=NOV - dt.timedelta(days=days))
    db_session.commit()
    found = stats.report(db_session, "2026-11", today=TODAY)
    assert found.redemptions.total == 11
    assert found.redemptions.cells["same_day"] == 5 and found.redemptions.cells["1_14"] == 6
    assert found.share_redeemed == pytest.approx(11 / 20)


def test_the_four_by_four_table_and_kappa(db_session: Session) -> None:
    segments = stats.SEGMENTS
    for i, provisional in enumerate(segments):
        review(db_session, provisional, provisional, 10 + i)
    review(db_session, "self_care", "supported", 5)
    review(db_session, "supported", "undetermined", 6)
    db_session.commit()
    found = stats.report(db_session, "2026-11", today=TODAY)
    assert found.agreement.cells[("self_care", "self_care")] == 10
    assert found.agreement.cells[("self_care", "supported")] == 5
    assert found.reviews.cells == {"both": 51, "pro_undetermined": 6, "no_provisional": 0}
    assert found.kappa is not None and found.kappa_note == ""
    assert 0.8 < found.kappa.value < 1 and found.kappa.low < found.kappa.value < found.kappa.high
    assert found.kappa.pairs == 51


def test_kappa_waits_for_enough_reviews(db_session: Session) -> None:
    review(db_session, "self_care", "self_care", 10)
    review(db_session, "intensive", "intensive", 10)
    db_session.commit()
    found = stats.report(db_session, "2026-11", today=TODAY)
    assert found.kappa is None and found.kappa_note == "too_few"


def test_kappa_is_withheld_when_it_could_reveal_a_hidden_cell(db_session: Session) -> None:
    review(db_session, "self_care", "self_care", 20)
    review(db_session, "supported", "supported", 3)  # a hidden diagonal cell
    review(db_session, "intensive", "intensive", 20)
    review(db_session, "intensive", "supported", 8)
    db_session.commit()
    found = stats.report(db_session, "2026-11", today=TODAY)
    assert found.agreement.cells[("supported", "supported")] is None
    assert found.kappa is None and found.kappa_note == "suppressed"


def test_kappa_matches_a_worked_example() -> None:
    # Two raters, two categories: po = 0.7, pe = 0.5 -> kappa 0.4 (a textbook example).
    counts = {("a", "a"): 20, ("a", "b"): 5, ("b", "a"): 10, ("b", "b"): 15}
    found = stats.kappa(counts, ("a", "b"))
    assert found is not None
    assert found.value == pytest.approx(0.4)
    assert found.observed == pytest.approx(0.7)
    se = (0.7 * 0.3 / (50 * 0.25)) ** 0.5
    assert found.low == pytest.approx(0.4 - 1.96 * se)


def test_axes_routing_appointment_and_experience(db_session: Session) -> None:
    review(
        db_session, "supported", "supported", 6,
        axes={"capability": "agree", "risk": "disagree"},
        routed=("housing_advice", "peer_support"), appointment="yes",
    )  # fmt: skip
    for _ in range(7):
        stats.count_experience(db_session, day=NOV, who="client", answer="yes")
    stats.count_experience(db_session, day=NOV, who="pro", answer="no")
    db_session.commit()
    found = stats.report(db_session, "2026-11", today=TODAY)
    assert found.axes["capability"].cells["agree"] == 6
    assert found.axes["capability"].share("agree") == 1.0
    assert found.routing.cells[("housing_advice", "supported")] == 6
    assert found.routing.cells[("debt_advice", "supported")] == 0
    assert found.appointment.cells["yes"] == 6
    assert found.client_experience.cells["yes"] == 7
    assert found.pro_experience.total is None


def test_the_csv_rows_carry_the_same_suppression(db_session: Session) -> None:
    assess(db_session, "self_care", 20)
    assess(db_session, "supported", 2)
    db_session.commit()
    rows = list(stats.csv_rows(stats.report(db_session, "2026-11", today=TODAY)))
    cells = {(t, r): v for t, r, _c, v in rows}
    assert cells[("assessments_by_segment", "supported")] == "<5"
    assert cells[("assessments_by_segment", "self_care")] == "<5"
    assert cells[("assessments_by_segment", "total")] == "22"
    assert "2" not in {v for t, _r, _c, v in rows if t == "assessments_by_segment"}


def test_a_report_reads_only_its_own_month_through_the_index(db_session: Session) -> None:
    if db_session.get_bind().dialect.name != "sqlite":
        pytest.skip("the query plan is read the SQLite way")
    query = select(MonthlyCount).where(MonthlyCount.month.in_(["2026-11"]))
    compiled = query.compile(db_session.get_bind(), compile_kwargs={"literal_binds": True})
    plan = " ".join(
        str(row[-1])
        for row in db_session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")
    )
    assert "USING INDEX" in plan and "SCAN monthly_counts" not in plan.replace("USING INDEX", "")
