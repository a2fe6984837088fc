"""Aggregate statistics by month, with every cell under 5 people suppressed."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal.models import MonthlyCount

SMALLEST_CELL = 5  # no cell may count fewer people than this


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _bump(session: Session, **key: object) -> None:
    values = {"outcome": "", "language": "", "assisted": False, **key}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(MonthlyCount).values(count=0, **values).on_conflict_do_nothing())
    session.execute(
        update(MonthlyCount)
        .where(*(getattr(MonthlyCount, name) == value for name, value in values.items()))
        .values(count=MonthlyCount.count + 1)
    )


def count_assessment(
    session: Session, *, day: dt.date, segment: str | None, language: str, assisted: bool
) -> None:
    """One finished self-assessment (flushes; the caller commits with the record)."""
    _bump(
        session,
        month=month_of(day),
        event="assessment",
        segment=segment or "none",
        language=language,
        assisted=assisted,
    )


def count_review(session: Session, *, day: dt.date, provisional: str | None, decision: str) -> None:
    """A professional's review: did the provisional segment hold?"""
    if decision == "undetermined":
        outcome = "undetermined"
    else:
        outcome = "confirmed" if decision == (provisional or "none") else "corrected"
    _bump(session, month=month_of(day), event="review", segment=provisional or "none", outcome=outcome)


@dataclass(frozen=True)
class MonthRow:
    """One month's numbers; a value of None means "fewer than 5" (suppressed)."""

    month: str
    assessments: int | None
    assisted: int | None
    by_segment: dict[str, int | None]
    reviews: int | None
    confirmed: int | None
    corrected: int | None


def _shown(n: int) -> int | None:
    return n if n >= SMALLEST_CELL else None


def _suppress_row(cells: dict[str, int], total: int) -> dict[str, int | None]:
    """Hide small cells; if exactly one is hidden, hide the next smallest too, so the total
    cannot be used to work it out."""
    shown: dict[str, int | None] = {k: _shown(v) for k, v in cells.items()}
    hidden = [k for k, v in shown.items() if v is None and cells[k] > 0]
    if len(hidden) == 1 and total >= SMALLEST_CELL:
        visible = sorted((v, k) for k, v in cells.items() if shown[k] is not None and v > 0)
        if visible:
            shown[visible[0][1]] = None
    return shown


def _assisted(assisted: int, total: int) -> int | None:
    # The unassisted count (total - assisted) is a cell too, even if not printed.
    if assisted < SMALLEST_CELL or 0 < total - assisted < SMALLEST_CELL:
        return None
    return assisted


def monthly(session: Session, segments: tuple[str, ...]) -> list[MonthRow]:
    assessments: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    assisted: dict[str, int] = defaultdict(int)
    reviews: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in session.scalars(select(MonthlyCount)):
        if row.event == "assessment":
            assessments[row.month][row.segment] += row.count
            if row.assisted:
                assisted[row.month] += row.count
        elif row.event == "review":
            reviews[row.month][row.outcome] += row.count
    rows = []
    for month in sorted(set(assessments) | set(reviews), reverse=True):
        cells = {s: assessments[month].get(s, 0) for s in (*segments, "none")}
        total = sum(cells.values())
        outcome = reviews[month]
        review_total = sum(outcome.values())
        held = _suppress_row(
            {k: outcome.get(k, 0) for k in ("confirmed", "corrected", "undetermined")},
            review_total,
        )
        rows.append(
            MonthRow(
                month=month,
                assessments=_shown(total),
                assisted=_assisted(assisted[month], total),
                by_segment=_suppress_row(cells, total),
                reviews=_shown(review_total),
                confirmed=held["confirmed"],
                corrected=held["corrected"],
            )
        )
    return rows
