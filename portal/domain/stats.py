"""Aggregate statistics by closed month, with every cell under 5 suppressed.

Everything counted here is written as it happens (a submission, a redemption, a review, an
answer to an experience question) into `monthly_counts`: a month, an event and coarse
categories, never a record id. Statistics are never computed from client records, so they
outlive the records and cannot be joined back to one.

Only *closed* months are reported: a month still filling up could be read twice and the two
views subtracted, which would tell one person's numbers to someone who knows when they visited.
Reading a report queries only the months it shows (the unique index begins with the month), so
its time does not grow with the length of the history.

Suppression: a count of 1–4 is never shown; where a line of numbers has a known total (a row or
a column with its total), one hidden number would be the total minus the others, so the next
smallest number in that line is hidden too, until no line has exactly one hidden number
(complementary suppression). Zeros are shown: "nobody" is not a person.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Insert, func, select
from sqlalchemy.orm import Session

from portal.db import insert_on_conflict
from portal.domain.rating import (
    APPOINTMENT,
    AXES,
    AXIS_OUTCOMES,
    DECISIONS,
    EXPERIENCE,
    SERVICE_KINDS,
    UNDETERMINED,
)
from portal.domain.scoring import Segment
from portal.models import MonthlyCount

SMALLEST_CELL = 5  # no cell may count fewer people than this
# Cohen's kappa is shown from this many reviews with both segments determined: below it the
# interval is too wide to say anything.
KAPPA_MIN_PAIRS = 30
SEGMENTS: tuple[str, ...] = tuple(str(s) for s in Segment)
NONE = "none"  # no provisional segment
LANGUAGES = ("fi", "sv", "en")
DAY_BANDS = ("same_day", "1_14", "15_30", "over_30")
REVIEW_KINDS = ("both", "pro_undetermined", "no_provisional")


class MonthNotClosed(ValueError):
    """The month has not ended yet (or is not a month): its numbers are not shown."""


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(text: str) -> str:
    """`YYYY-MM` as the canonical month string; ValueError if it is not one."""
    day = dt.datetime.strptime(text.strip(), "%Y-%m").date()
    return month_of(day)


def closed_months(today: dt.date, count: int) -> list[str]:
    """The `count` months before today's month, newest first (computed, not queried)."""
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        months.append(f"{year:04d}-{month:02d}")
    return months


def is_closed(month: str, today: dt.date) -> bool:
    return month < month_of(today)


# ------------------------------------------------------------------------------------ writing


# The unique key of monthly_counts: a count goes up on its own row, or starts one.
_COUNT_KEY = ("month", "event", "segment", "outcome", "language", "assisted")


def _bump(session: Session, **key: object) -> None:
    connection = session.connection()
    connection.execute(bump_statement(connection.dialect.name), bump_values(key))


@functools.cache
def bump_statement(dialect: str) -> Insert:
    """Count one up on the counter, or start it at 1 (parameters: `bump_values`)."""
    # One statement: a new row starts at 1, an existing one counts up (the unique key). Built
    # once per dialect, the key given as parameters (every submission runs it).
    table = MonthlyCount.__table__
    statement: Insert = insert_on_conflict(dialect)(table).on_conflict_do_update(
        index_elements=list(_COUNT_KEY), set_={"count": table.c["count"] + 1}
    )
    return statement


def count_assessment(
    session: Session, *, day: dt.date, segment: str | None, language: str, assisted: bool
) -> None:
    """One finished self-assessment (flushes; the caller commits with the record)."""
    _bump(session, **assessment_key(day=day, segment=segment, language=language, assisted=assisted))


def assessment_key(
    *, day: dt.date, segment: str | None, language: str, assisted: bool
) -> dict[str, object]:
    """The counter a finished self-assessment counts up (its row's unique key)."""
    return {
        "month": month_of(day),
        "event": "assessment",
        "segment": segment or NONE,
        "language": language,
        "assisted": assisted,
    }


def count(session: Session, key: Mapping[str, object]) -> None:
    """Count one up on the counter `key` (flushes; the caller commits)."""
    _bump(session, **key)


def bump_values(key: Mapping[str, object]) -> dict[str, object]:
    """The parameters of `bump_statement` for the counter `key`."""
    return {"segment": "", "outcome": "", "language": "", "assisted": False, **key, "count": 1}



def day_band(days: int) -> str:
    """Days from the assessment to the first redemption; 14 days is the care guarantee."""
    if days <= 0:
        return "same_day"
    if days <= 14:
        return "1_14"
    return "15_30" if days <= 30 else "over_30"


def count_redemption(session: Session, *, day: dt.date, assessed_on: dt.date) -> None:
    """A record's first redemption, in the month it happened."""
    band = day_band((day - assessed_on).days)
    _bump(session, month=month_of(day), event="redemption", outcome=band)


def count_review(
    session: Session,
    *,
    day: dt.date,
    provisional: str | None,
    decision: str,
    axes: Mapping[str, str] | None = None,
    routed: Iterable[str] = (),
    appointment: str | None = None,
) -> None:
    """A record's first review: provisional vs professional, each axis, where they were guided."""
    month = month_of(day)
    _bump(session, month=month, event="review", segment=provisional or NONE, outcome=decision)
    for axis, outcome in (axes or {}).items():
        _bump(session, month=month, event="axis", segment=axis, outcome=outcome)
    for kind in routed:
        _bump(session, month=month, event="routing", segment=decision, outcome=kind)
    if appointment is not None:
        _bump(session, month=month, event="appointment", outcome=appointment)


def count_experience(session: Session, *, day: dt.date, who: str, answer: str) -> None:
    """An answer to "Was this useful to you?" (who="client") or "Did the summary help you?"
    (who="pro"); only this count is kept, never on a record."""
    if who not in ("client", "pro") or answer not in EXPERIENCE:
        raise ValueError(f"{who}:{answer}")
    event = "client_useful" if who == "client" else "pro_helped"
    _bump(session, month=month_of(day), event=event, outcome=answer)


# -------------------------------------------------------------------------------- suppression


def _is_small(value: int) -> bool:
    return 0 < value < SMALLEST_CELL


def suppress_lines(values: Mapping[str, int], lines: Iterable[Sequence[str]]) -> set[str]:
    """The keys to hide: every small value, then, for any line (the cells that add up to a
    shown total, and that total) with exactly one hidden entry, its next smallest entry."""
    hidden = {key for key, value in values.items() if _is_small(value)}
    line_list = [tuple(line) for line in lines]
    changed = True
    while changed:
        changed = False
        for line in line_list:
            if sum(1 for key in line if key in hidden) != 1:
                continue
            visible = sorted((values[k], k) for k in line if k not in hidden and values[k] > 0)
            if visible:
                hidden.add(visible[0][1])
                changed = True
    return hidden


@dataclass(frozen=True)
class Line:
    """Counts that add up to a total; None = suppressed."""

    cells: dict[str, int | None]
    total: int | None

    def share(self, key: str) -> float | None:
        """cells[key] / total, only when both are shown."""
        value = self.cells.get(key)
        if value is None or not self.total:
            return None
        return value / self.total


def make_line(counts: Mapping[str, int], keys: Sequence[str], *, total_known: bool = True) -> Line:
    """A line of counts with its total. With total_known=False the cells need not add up (a
    person guided to several kinds of service counts in each), so only small cells are hidden."""
    values = {k: counts.get(k, 0) for k in keys}
    total = sum(values.values())
    if total_known:
        hidden = suppress_lines({**values, "__total__": total}, [(*keys, "__total__")])
    else:
        hidden = {k for k, v in values.items() if _is_small(v)}
    return Line(
        cells={k: None if k in hidden else v for k, v in values.items()},
        total=None if _is_small(total) or "__total__" in hidden else total,
    )


@dataclass(frozen=True)
class Table:
    """A two-way table with its margins; None = suppressed."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: dict[tuple[str, str], int | None]
    row_totals: dict[str, int | None]
    column_totals: dict[str, int | None]
    total: int | None


def make_table(
    counts: Mapping[tuple[str, str], int], rows: Sequence[str], columns: Sequence[str]
) -> Table:
    """Suppression over every row and column with its total, and over the two margins."""
    values: dict[str, int] = {}
    for r in rows:
        for c in columns:
            values[f"{r}|{c}"] = counts.get((r, c), 0)
    for r in rows:
        values[f"{r}|*"] = sum(values[f"{r}|{c}"] for c in columns)
    for c in columns:
        values[f"*|{c}"] = sum(values[f"{r}|{c}"] for r in rows)
    values["*|*"] = sum(values[f"{r}|*"] for r in rows)
    lines = [[f"{r}|{c}" for c in (*columns, "*")] for r in (*rows, "*")]
    lines += [[f"{r}|{c}" for r in (*rows, "*")] for c in (*columns, "*")]
    hidden = suppress_lines(values, lines)

    def shown(key: str) -> int | None:
        return None if key in hidden else values[key]

    return Table(
        rows=tuple(rows),
        columns=tuple(columns),
        cells={(r, c): shown(f"{r}|{c}") for r in rows for c in columns},
        row_totals={r: shown(f"{r}|*") for r in rows},
        column_totals={c: shown(f"*|{c}") for c in columns},
        total=shown("*|*"),
    )


def _grid(table: Table) -> Iterator[tuple[str, str, int | None]]:
    for r in table.rows:
        for c in table.columns:
            yield r, c, table.cells[(r, c)]


# -------------------------------------------------------------------------------------- kappa


@dataclass(frozen=True)
class Kappa:
    value: float
    low: float
    high: float
    pairs: int
    observed: float  # the share of reviews where the two segments are the same


def kappa(counts: Mapping[tuple[str, str], int], categories: Sequence[str]) -> Kappa | None:
    """Cohen's kappa with a 95 % interval (the large-sample standard error
    sqrt(po(1-po) / (n (1-pe)^2)), Cohen 1960); None if it is undefined or n is too small."""
    n = sum(counts.get((r, c), 0) for r in categories for c in categories)
    if n < KAPPA_MIN_PAIRS:
        return None
    po = sum(counts.get((k, k), 0) for k in categories) / n
    rows = {r: sum(counts.get((r, c), 0) for c in categories) for r in categories}
    cols = {c: sum(counts.get((r, c), 0) for r in categories) for c in categories}
    pe = sum(rows[k] * cols[k] for k in categories) / (n * n)
    if pe >= 1:
        return None
    value = (po - pe) / (1 - pe)
    se = math.sqrt(po * (1 - po) / (n * (1 - pe) ** 2))
    return Kappa(
        value=value,
        low=max(-1.0, value - 1.96 * se),
        high=min(1.0, value + 1.96 * se),
        pairs=n,
        observed=po,
    )


def published_kappa(
    table: Table, counts: Mapping[tuple[str, str], int]
) -> tuple[Kappa | None, str]:
    """Kappa, and why not when it is not shown ("" / "too_few" / "suppressed").

    Kappa is published only when it is a function of numbers the table already shows: every
    diagonal cell (which give the observed agreement) and every margin (which give the chance
    agreement). Then it cannot reveal a hidden cell, whatever the small cells are.
    """
    found = kappa(counts, table.rows)
    if found is None:
        return None, "too_few"
    needed = [table.cells[(k, k)] for k in table.rows]
    needed += list(table.row_totals.values()) + list(table.column_totals.values())
    needed.append(table.total)
    if any(v is None for v in needed):
        return None, "suppressed"
    return found, ""


# ------------------------------------------------------------------------------------ reading


@dataclass(frozen=True)
class MonthReport:
    month: str
    assessments: Line  # by provisional segment (and "none")
    languages: Line
    assisted: Line  # "assisted" / "self"
    redemptions: Line  # by days from assessment, in bands
    share_redeemed: float | None
    reviews: Line  # both segments / professional cannot say yet / no provisional segment
    agreement: Table  # provisional (rows) × professional (columns), the four segments
    kappa: Kappa | None
    kappa_note: str  # "" when shown; "too_few" | "suppressed"
    axes: dict[str, Line]  # per axis: agree / disagree / pro_cannot_say / no_client_side
    routing: Table  # kind of service (rows) × professional's segment (columns); no margins used
    appointment: Line
    client_experience: Line
    pro_experience: Line


def _counts(
    session: Session, months: Sequence[str]
) -> list[tuple[str, str, str, str, str, bool, int]]:
    query = select(
        MonthlyCount.month,
        MonthlyCount.event,
        MonthlyCount.segment,
        MonthlyCount.outcome,
        MonthlyCount.language,
        MonthlyCount.assisted,
        MonthlyCount.count,
    ).where(MonthlyCount.month.in_(list(months)))
    return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def _routing_table(counts: Mapping[tuple[str, str], int]) -> Table:
    # A person may be guided to several kinds, so no line adds up to a number of people:
    # every cell stands alone and only small cells are hidden. The margins are not shown.
    rows, columns = SERVICE_KINDS, DECISIONS
    cells = {(r, c): counts.get((r, c), 0) for r in rows for c in columns}
    return Table(
        rows=rows,
        columns=columns,
        cells={k: None if _is_small(v) else v for k, v in cells.items()},
        row_totals={r: None for r in rows},
        column_totals={c: None for c in columns},
        total=None,
    )


def report(session: Session, month: str, *, today: dt.date) -> MonthReport:
    """Every statistic of one closed month; MonthNotClosed for the current or a later month."""
    month = parse_month(month)
    if not is_closed(month, today):
        raise MonthNotClosed(month)
    segment: dict[str, int] = {}
    language: dict[str, int] = {}
    assisted = {"assisted": 0, "self": 0}
    bands: dict[str, int] = {}
    pairs: dict[tuple[str, str], int] = {}
    review_kinds = dict.fromkeys(REVIEW_KINDS, 0)
    axes: dict[str, dict[str, int]] = {axis: {} for axis in AXES}
    routing: dict[tuple[str, str], int] = {}
    appointment: dict[str, int] = {}
    experience: dict[str, dict[str, int]] = {"client": {}, "pro": {}}
    for _month, event, seg, outcome, lang, helped, n in _counts(session, [month]):
        if event == "assessment":
            segment[seg] = segment.get(seg, 0) + n
            language[lang] = language.get(lang, 0) + n
            assisted["assisted" if helped else "self"] += n
        elif event == "redemption":
            bands[outcome] = bands.get(outcome, 0) + n
        elif event == "review":
            if seg == NONE:
                review_kinds["no_provisional"] += n
            elif outcome == UNDETERMINED:
                review_kinds["pro_undetermined"] += n
            elif seg in SEGMENTS and outcome in SEGMENTS:
                review_kinds["both"] += n
                pairs[(seg, outcome)] = pairs.get((seg, outcome), 0) + n
        elif event == "axis" and seg in axes:
            axes[seg][outcome] = axes[seg].get(outcome, 0) + n
        elif event == "routing":
            routing[(outcome, seg)] = routing.get((outcome, seg), 0) + n
        elif event == "appointment":
            appointment[outcome] = appointment.get(outcome, 0) + n
        elif event in ("client_useful", "pro_helped"):
            who = experience["client" if event == "client_useful" else "pro"]
            who[outcome] = who.get(outcome, 0) + n
    assessments = make_line(segment, (*SEGMENTS, NONE))
    redemptions = make_line(bands, DAY_BANDS)
    share = None
    if redemptions.total is not None and assessments.total:
        share = redemptions.total / assessments.total
    agreement = make_table(pairs, SEGMENTS, SEGMENTS)
    found, note = published_kappa(agreement, pairs)
    return MonthReport(
        month=month,
        assessments=assessments,
        languages=make_line(language, LANGUAGES),
        assisted=make_line(assisted, ("assisted", "self")),
        redemptions=redemptions,
        share_redeemed=share,
        reviews=make_line(review_kinds, REVIEW_KINDS),
        agreement=agreement,
        kappa=found,
        kappa_note=note,
        axes={axis: make_line(axes[axis], AXIS_OUTCOMES) for axis in AXES},
        routing=_routing_table(routing),
        appointment=make_line(appointment, APPOINTMENT),
        client_experience=make_line(experience["client"], EXPERIENCE),
        pro_experience=make_line(experience["pro"], EXPERIENCE),
    )


@dataclass(frozen=True)
class MonthSummary:
    """One month in the overview; None = suppressed."""

    month: str
    assessments: int | None
    redemptions: int | None
    reviews: int | None


def overview(session: Session, months: Sequence[str], *, today: dt.date) -> list[MonthSummary]:
    """Headline numbers of the given closed months (only those are queried)."""
    closed = [m for m in months if is_closed(m, today)]
    query = (
        select(MonthlyCount.month, MonthlyCount.event, func.sum(MonthlyCount.count))
        .where(MonthlyCount.month.in_(closed))
        .where(MonthlyCount.event.in_(("assessment", "redemption", "review")))
        .group_by(MonthlyCount.month, MonthlyCount.event)
    )
    totals = {(m, e): int(n) for m, e, n in session.execute(query)}

    def shown(month: str, event: str) -> int | None:
        value = totals.get((month, event), 0)
        return None if _is_small(value) else value

    return [
        MonthSummary(m, shown(m, "assessment"), shown(m, "redemption"), shown(m, "review"))
        for m in closed
    ]


# ----------------------------------------------------------------------------------------- CSV


def _cell(value: int | None) -> str:
    return f"<{SMALLEST_CELL}" if value is None else str(value)


def csv_rows(found: MonthReport) -> Iterator[tuple[str, str, str, str]]:
    """(table, row, column, value) for every number of the report, suppressed as shown."""
    lines = {
        "assessments_by_segment": found.assessments,
        "assessments_by_language": found.languages,
        "assessments_assisted": found.assisted,
        "redemptions_by_days": found.redemptions,
        "reviews": found.reviews,
        "appointment": found.appointment,
        "client_experience": found.client_experience,
        "pro_experience": found.pro_experience,
        **{f"axis_{axis}": line for axis, line in found.axes.items()},
    }
    for name, line in lines.items():
        for key, value in line.cells.items():
            yield name, key, "", _cell(value)
        yield name, "total", "", _cell(line.total)
    if found.share_redeemed is not None:
        yield "share_redeemed", "", "", f"{found.share_redeemed:.3f}"
    for r, c, value in _grid(found.agreement):
        yield "provisional_vs_professional", r, c, _cell(value)
    for r, value in found.agreement.row_totals.items():
        yield "provisional_vs_professional", r, "total", _cell(value)
    for c, value in found.agreement.column_totals.items():
        yield "provisional_vs_professional", "total", c, _cell(value)
    yield "provisional_vs_professional", "total", "total", _cell(found.agreement.total)
    if found.kappa is not None:
        k = found.kappa
        yield "kappa", "value", "", f"{k.value:.2f}"
        yield "kappa", "ci95_low", "", f"{k.low:.2f}"
        yield "kappa", "ci95_high", "", f"{k.high:.2f}"
    else:
        yield "kappa", "not_shown", "", found.kappa_note
    for r, c, value in _grid(found.routing):
        yield "routing_by_segment", r, c, _cell(value)
