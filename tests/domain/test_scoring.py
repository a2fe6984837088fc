"""Scoring: instrument reference vectors, the two axes, the segment and its properties."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.domain.questionnaire import InvalidAnswer, Item, load_version
from portal.domain.scoring import Segment, assess

Q = load_version("selfassessment", "1")  # version 1: the average model, kept as it was
AUDIT_VALUES = {  # the WHO manual's item scores, 0..4, in option order
    "audit_c_1": ["never", "monthly_or_less", "2_4_month", "2_3_week", "4_plus_week"],
    "audit_c_2": ["1_2", "3_4", "5_6", "7_9", "10_plus"],
    "audit_c_3": ["never", "less_than_monthly", "monthly", "weekly", "daily"],
}
PHQ_VALUES = ["not_at_all", "several_days", "more_than_half", "nearly_every_day"]  # 0..3


def instrument(answers: dict[str, Any], instrument_id: str) -> Any:
    return next(s for s in assess(Q, answers).instruments if s.instrument_id == instrument_id)


@pytest.mark.parametrize("item_id", sorted(AUDIT_VALUES))
def test_audit_c_item_scores_are_0_to_4_as_in_the_who_manual(item_id: str) -> None:
    item = Q.item(item_id)
    assert [item.option(v).score for v in AUDIT_VALUES[item_id]] == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(
    ("scores", "total"),
    [
        ((0, 0, 0), 0),
        ((1, 0, 0), 1),
        ((2, 1, 1), 4),
        ((3, 1, 1), 5),
        ((4, 4, 4), 12),
        ((1, 2, 3), 6),
        ((4, 0, 1), 5),
        ((2, 2, 2), 6),
    ],
)
def test_audit_c_total_is_the_sum_0_to_12(scores: tuple[int, int, int], total: int) -> None:
    answers = {i: AUDIT_VALUES[i][s] for i, s in zip(sorted(AUDIT_VALUES), scores, strict=True)}
    result = instrument(answers, "audit_c")
    assert (result.score, result.maximum, result.complete) == (total, 12, True)


@pytest.mark.parametrize(
    ("limit", "score", "cutoff", "above"),
    [
        (None, 4, 5, False),
        (None, 5, 5, True),
        ("women", 5, 5, True),
        ("men", 5, 6, False),
        ("men", 6, 6, True),
        ("neither", 5, 5, True),
    ],
)
def test_audit_c_cutoff_is_5_for_women_6_for_men_and_the_lower_when_skipped(
    limit: str | None, score: int, cutoff: int, above: bool
) -> None:
    first = min(score, 4)
    answers: dict[str, Any] = {
        "audit_c_1": AUDIT_VALUES["audit_c_1"][first],
        "audit_c_2": AUDIT_VALUES["audit_c_2"][score - first],
        "audit_c_3": "never",
        "audit_limit": limit,
    }
    result = instrument(answers, "audit_c")
    assert (result.score, result.cutoff, result.above_cutoff) == (score, cutoff, above)


def test_audit_c_never_drinking_is_a_complete_zero_as_in_the_manual() -> None:
    result = instrument({"audit_c_1": "never"}, "audit_c")
    assert (result.score, result.complete, result.above_cutoff) == (0, True, False)


def test_an_incomplete_audit_c_is_only_above_once_the_partial_score_reaches_the_cutoff() -> None:
    assert instrument({"audit_c_1": "2_3_week"}, "audit_c").above_cutoff is None
    high = instrument({"audit_c_1": "4_plus_week", "audit_c_2": "3_4"}, "audit_c")
    assert (high.score, high.complete, high.above_cutoff) == (5, False, True)
    assert high.interpretation_key == "above"
    assert instrument({"audit_c_1": "2_3_week"}, "audit_c").interpretation_key == "incomplete"


@pytest.mark.parametrize(("first", "second"), [(a, b) for a in range(4) for b in range(4)])
def test_phq2_total_is_0_to_6_with_cutoff_3(first: int, second: int) -> None:
    result = instrument({"phq2_1": PHQ_VALUES[first], "phq2_2": PHQ_VALUES[second]}, "phq2")
    assert (result.score, result.maximum, result.cutoff) == (first + second, 6, 3)
    assert result.above_cutoff is (first + second >= 3)


@pytest.mark.parametrize(("value", "flagged"), [(v, v != "not_at_all") for v in PHQ_VALUES])
def test_any_thoughts_of_self_harm_raise_the_acute_flag(value: str, flagged: bool) -> None:
    result = assess(Q, {"phq9_9": value})
    assert ("self_harm_thoughts" in result.acute_flags) is flagged
    assert instrument({"phq9_9": value}, "phq9_item9").above_cutoff is flagged


def test_an_overdose_in_the_past_month_is_acute_and_an_earlier_one_is_not() -> None:
    assert assess(Q, {"overdose": "past_month"}).acute_flags == ("recent_overdose",)
    assert assess(Q, {"overdose": "earlier"}).acute_flags == ()


def test_a_skip_neither_raises_nor_lowers_an_axis() -> None:
    base = {"drug_frequency": "weekly", "overdose": "no", "polysubstance": "sometimes"}
    skipped = assess(Q, {**base, "injecting": None}).risk
    assert skipped == assess(Q, base).risk == pytest.approx((1.6 * 0.75 + 0.5) / (1.6 + 1.6 + 1))
    # Counting a skip as the lowest answer would lower the axis; as the highest, raise it.
    lowest = assess(Q, {**base, "injecting": "no"}).risk
    highest = assess(Q, {**base, "injecting": "past_year"}).risk
    assert lowest is not None and highest is not None
    assert lowest < skipped < highest


def test_fewer_than_the_minimum_answers_on_an_axis_give_no_segment_but_a_result() -> None:
    answers = {"money": "always", "housing": "own_home", "daily_routines": "well"}
    result = assess(Q, {**answers, "drug_frequency": "never", "overdose": "no"})
    assert (result.segment, result.risk, result.capability) == (None, None, 1.0)
    assert result.to_dict()["segment"] is None


def test_the_four_segments_follow_the_two_axes() -> None:
    low_risk = {"drug_frequency": "never", "injecting": "no", "overdose": "no"}
    high_risk = {"drug_frequency": "daily", "injecting": "past_year", "overdose": "earlier"}
    copes = {"money": "always", "daily_routines": "well", "someone_to_turn_to": "several"}
    struggles = {
        "money": "often_not",
        "daily_routines": "not_coping",
        "someone_to_turn_to": "no_one",
    }
    assert assess(Q, {**low_risk, **copes}).segment is Segment.SELF_CARE
    assert assess(Q, {**low_risk, **struggles}).segment is Segment.SUPPORTED
    assert assess(Q, {**high_risk, **copes}).segment is Segment.COLLABORATIVE
    assert assess(Q, {**high_risk, **struggles}).segment is Segment.INTENSIVE


def test_drivers_name_the_answers_that_moved_each_axis_most() -> None:
    result = assess(
        Q,
        {
            "drug_frequency": "daily",
            "injecting": "no",
            "overdose": "earlier",
            "money": "often_not",
            "daily_routines": "well",
            "housing": "own_home",
        },
    )
    assert [d.item_id for d in result.risk_drivers] == ["drug_frequency", "overdose"]
    assert [(d.item_id, d.value) for d in result.capability_drivers] == [("money", "often_not")]
    assert all(0 < d.weight <= 1 for d in result.risk_drivers + result.capability_drivers)


def test_topics_and_identity_travel_with_the_result() -> None:
    result = assess(Q, {"topics": ["legal", "housing"]})
    assert result.topics == ("housing", "legal")
    assert (result.questionnaire_id, result.version) == (Q.id, Q.version)


def test_unknown_items_are_refused_with_a_reason_code() -> None:
    with pytest.raises(InvalidAnswer) as caught:
        assess(Q, {"shoe_size": "42"})
    assert (caught.value.item_id, caught.value.reason) == ("shoe_size", "unknown_item")


# ---------------------------------------------------------------- properties (hypothesis)

SCORED = [i for i in Q.items if i.kind == "single"]


def answers_strategy() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {},
        optional={i.id: st.sampled_from(i.option_values) for i in SCORED}
        | {"topics": st.lists(st.sampled_from(Q.item("topics").option_values), max_size=3)},
    )


def on_axis(axis: str) -> list[Item]:
    return [i for i in SCORED if i.axis_maximum(axis) > 0]  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(answers=answers_strategy(), data=st.data())
def test_a_higher_risk_option_never_lowers_the_risk_axis(
    answers: dict[str, Any], data: Any
) -> None:
    item = data.draw(st.sampled_from(on_axis("risk")))
    low, high = sorted(
        data.draw(st.lists(st.sampled_from(item.options), min_size=2, max_size=2)),
        key=lambda o: o.risk,
    )
    before = assess(Q, {**answers, item.id: low.value})
    after = assess(Q, {**answers, item.id: high.value})
    if before.risk is not None:
        assert after.risk is not None and after.risk >= before.risk - 1e-12


@settings(max_examples=150, deadline=None)
@given(answers=answers_strategy(), data=st.data())
def test_a_lower_capability_option_never_raises_the_capability_axis(
    answers: dict[str, Any], data: Any
) -> None:
    item = data.draw(st.sampled_from(on_axis("capability")))
    low, high = sorted(
        data.draw(st.lists(st.sampled_from(item.options), min_size=2, max_size=2)),
        key=lambda o: o.capability,
    )
    with_high = assess(Q, {**answers, item.id: high.value})
    with_low = assess(Q, {**answers, item.id: low.value})
    if with_high.capability is not None:
        assert with_low.capability is not None
        assert with_low.capability <= with_high.capability + 1e-12


@settings(max_examples=100, deadline=None)
@given(answers=answers_strategy(), seed=st.integers())
def test_the_result_never_depends_on_the_order_of_answers(
    answers: dict[str, Any], seed: int
) -> None:
    pairs = list(answers.items())
    random.Random(seed).shuffle(pairs)
    shuffled = {k: (list(reversed(v)) if isinstance(v, list) else v) for k, v in pairs}
    assert assess(Q, shuffled).to_dict() == assess(Q, answers).to_dict()


@settings(max_examples=100, deadline=None)
@given(answers=answers_strategy())
def test_axes_stay_between_0_and_1_and_a_segment_needs_both(answers: dict[str, Any]) -> None:
    result = assess(Q, answers)
    for value in (result.risk, result.capability):
        assert value is None or 0 <= value <= 1
    assert (result.segment is None) == (result.risk is None or result.capability is None)


@given(skipped=st.lists(st.sampled_from([i.id for i in Q.items]), unique=True))
def test_everything_skipped_gives_no_segment(skipped: list[str]) -> None:
    result = assess(Q, dict.fromkeys(skipped))
    assert result.segment is None and result.acute_flags == () and result.topics == ()
