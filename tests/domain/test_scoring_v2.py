"""Questionnaire v2 scoring: decisive rules, the cumulative part, skip logic and certainty."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.domain.questionnaire import (
    Item,
    asked_items,
    effective_answers,
    load_default,
    load_version,
)
from portal.domain.scoring import Result, acute_flags, assess, segment, segment_of_asked, severity

Q = load_default()
CONTROLLERS = {c.item for item in Q.items for c in item.skip_if + item.only_if}
# Items that only choose the AUDIT-C cut-off: a skip uses the lower (safer) cut-off, as the
# limit question's help text tells the person, so they are not "risk answers" for the skip rule.
CUTOFF_CHOOSERS = {"age_band", "audit_limit"}


def _answer(item: Item) -> st.SearchStrategy[Any]:
    if item.kind == "multiple":
        alone = [o.value for o in item.options if o.exclusive]
        others = [o.value for o in item.options if not o.exclusive]
        subsets = st.lists(st.sampled_from(others), min_size=1, max_size=item.max_choices or 1)
        return st.one_of(st.sampled_from([[v] for v in alone] or [[others[0]]]), subsets)
    return st.sampled_from(item.option_values)


@st.composite
def people(draw: st.DrawFn) -> dict[str, Any]:
    """Anyone: each item skipped or answered; what the skip logic hides is dropped."""
    raw: dict[str, Any] = {}
    for item in Q.items:
        if draw(st.booleans()):
            value = draw(_answer(item))
            raw[item.id] = tuple(sorted(set(value))) if isinstance(value, list) else value
    return effective_answers(Q, raw)


def sides(result: Result) -> dict[str, bool | None]:
    return {s.axis: s.needs_more for s in result.axis_states}


def decisive(result: Result) -> set[str]:
    return {f.rule_id for f in result.fired if f.decisive}


def decided(result: Result) -> set[str]:
    """The sides some decisive rule decided."""
    return {f.side for f in result.fired if f.decisive}


def points(result: Result) -> dict[str, float | None]:
    return {s.axis: s.value for s in result.axis_states}


def raw_points(answers: dict[str, Any]) -> dict[str, float]:
    found = assess(Q, answers)
    return {
        axis: sum(f.points or 0.0 for f in found.fired if not f.decisive and f.side == side)
        for axis, side in (("risk", "higher_risk"), ("capability", "lower_capability"))
    }


def more_severe(item: Item, value: str) -> list[str]:
    mine = severity(item, value)
    if mine is None:
        return []
    return [v for v in item.option_values if (s := severity(item, v)) is not None and s > mine]


@settings(max_examples=300, deadline=None)
@given(people())
def test_the_segment_alone_and_the_flags_alone_are_what_the_whole_assessment_says(
    answers: dict[str, Any],
) -> None:
    # Storing a record asks only for the segment and the crisis panel only for the flags; both
    # skip the explaining (drivers, how sure) but must never disagree with the result page.
    whole = assess(Q, answers)
    assert segment(Q, answers) == whole.segment
    assert acute_flags(Q, answers) == whole.acute_flags
    # As a submission scores it: the answers limited to the asked items first (None kept, as
    # the visit keeps a skip), then the skip logic not worked out again.
    kept = {item.id for item in asked_items(Q, {k: tuple(v) if isinstance(v, list) else v
                                                 for k, v in answers.items()})}
    asked_only = {k: v for k, v in answers.items() if k in kept}
    assert segment_of_asked(Q, asked_only) == whole.segment


def test_the_segment_alone_matches_version_1_too() -> None:
    v1 = load_version("selfassessment", "1")
    seen = set()
    for pick in (0, 1, -1):
        answers = {
            item.id: [item.options[0].value] if item.kind == "multiple" else item.options[pick].value
            for item in v1.items
            if item.options
        }
        assert segment(v1, answers) == assess(v1, answers).segment
        assert acute_flags(v1, answers) == assess(v1, answers).acute_flags
        seen.add(segment(v1, answers))
    assert len(seen) == 3, seen  # three different people, not one case three times


@settings(max_examples=150, deadline=None)
@given(people(), st.data())
def test_a_more_severe_answer_never_moves_towards_lower_risk_or_higher_capability(
    answers: dict[str, Any], data: st.DataObject
) -> None:
    singles = [Q.item(i) for i in answers if Q.item(i).kind == "single"]
    candidates = [(item, v) for item in singles for v in more_severe(item, answers[item.id])]
    if not candidates:
        return
    item, worse = data.draw(st.sampled_from(candidates))
    before, after = assess(Q, answers), assess(Q, {**answers, item.id: worse})
    for axis, was in sides(before).items():
        if was:
            assert sides(after)[axis], (item.id, worse, axis)
    assert decided(before) <= decided(after)
    if decisive(before) == decisive(after):
        for axis, value in raw_points(answers).items():
            assert raw_points({**answers, item.id: worse})[axis] >= value


@settings(max_examples=150, deadline=None)
@given(people(), st.data())
def test_answering_no_to_a_skipped_item_never_lowers_risk_once_a_decisive_rule_fired(
    answers: dict[str, Any], data: st.DataObject
) -> None:
    before = assess(Q, answers)
    if not any(f.decisive and f.side == "higher_risk" for f in before.fired):
        return
    open_items = [
        item
        for item in asked_items(Q, answers)
        if item.id not in answers
        and item.id not in CONTROLLERS
        and item.kind == "single"
        and severity(item, item.option_values[0]) is not None
    ]
    if not open_items:
        return
    item = data.draw(st.sampled_from(open_items))
    lowest = min(item.option_values, key=lambda v: severity(item, v) or 0.0)
    after = assess(Q, {**answers, item.id: lowest})
    assert sides(after)["risk"] is True
    assert decisive(before) <= decisive(after)  # a "no" adds nothing and takes nothing away


@settings(max_examples=150, deadline=None)
@given(people(), st.data())
def test_skipping_an_item_never_moves_the_cumulative_part_except_by_its_own_points(
    answers: dict[str, Any], data: st.DataObject
) -> None:
    choices = [i for i in answers if i not in CONTROLLERS and i not in CUTOFF_CHOOSERS]
    if not choices:
        return
    item_id = data.draw(st.sampled_from(choices))
    skipped = {k: v for k, v in answers.items() if k != item_id}
    before, after = raw_points(answers), raw_points(skipped)
    for axis in before:
        assert after[axis] <= before[axis]  # a skip never raises
    item = Q.item(item_id)
    answer = answers[item_id]
    if isinstance(answer, str) and severity(item, answer) in (0.0, None):
        assert after == before  # a skip counts as much as "no": nothing


def test_one_decisive_answer_is_not_diluted_by_any_number_of_no_answers() -> None:
    alone = assess(
        Q,
        {
            "injecting": "past_year",
            "housing": "own_home",
            "money": "always",
            "daily_routines": "well",
        },
    )
    everything_no = assess(
        Q,
        {
            "injecting": "past_year",
            "drug_frequency": "never",
            "polysubstance": "never",
            "overdose": "never",
            "phq2_1": "not_at_all",
            "phq2_2": "not_at_all",
            "phq9_9": "not_at_all",
            "self_rated_health": "good",
            "emergency_visits": "none",
            "hospital_stay": "no",
            "housing": "own_home",
            "money": "always",
            "daily_routines": "well",
        },
    )
    assert str(alone.segment) == str(everything_no.segment) == "collaborative"


def test_skip_logic_never_drinking_hides_the_other_alcohol_questions() -> None:
    asked = {i.id for i in asked_items(Q, {"audit_c_1": "never"})}
    assert not asked & {"audit_c_2", "audit_c_3", "audit_limit"}
    assert {"audit_c_2", "audit_c_3", "audit_limit"} <= {i.id for i in asked_items(Q, {})}


def test_skip_logic_no_substances_hides_the_drug_questions_and_naloxone_needs_opioids() -> None:
    drug_items = {"drug_frequency", "polysubstance", "injecting", "overdose", "naloxone"}
    assert not drug_items & {i.id for i in asked_items(Q, {"substances": ("none",)})}
    assert "naloxone" not in {i.id for i in asked_items(Q, {})}
    assert "naloxone" not in {i.id for i in asked_items(Q, {"substances": ("cannabis",)})}
    assert "naloxone" in {i.id for i in asked_items(Q, {"substances": ("opioids",)})}
    alcohol_only = {i.id for i in asked_items(Q, {"substances": ("alcohol",)})}
    assert not {"drug_frequency", "injecting", "naloxone"} & alcohol_only
    assert {"polysubstance", "overdose"} <= alcohol_only  # alcohol with medicines still counts


def test_an_answer_to_a_question_not_asked_is_not_scored() -> None:
    hidden = assess(Q, {"substances": ["none"], "drug_frequency": "daily_or_almost"})
    assert not hidden.fired


def test_none_of_these_cannot_go_with_a_substance() -> None:
    from portal.domain.questionnaire import InvalidAnswer

    with pytest.raises(InvalidAnswer) as caught:
        assess(Q, {"substances": ["none", "alcohol"]})
    assert caught.value.reason == "exclusive_choice"


@pytest.mark.parametrize(
    ("age", "limit", "cutoff"),
    [
        ("65_plus", None, 4),
        ("25_64", "men", 6),
        ("25_64", "women", 5),
        (None, None, 5),
        ("65_plus", "men", 4),
        ("under_25", "neither", 5),
    ],
)
def test_the_audit_c_cut_off_is_4_from_65_then_by_the_limit_question(
    age: str | None, limit: str | None, cutoff: int
) -> None:
    answers = {"age_band": age, "audit_c_1": "2_4_month", "audit_limit": limit}
    score = next(s for s in assess(Q, answers).instruments if s.instrument_id == "audit_c")
    assert score.cutoff == cutoff


def test_every_rule_has_a_rationale_a_source_and_a_title_in_three_languages() -> None:
    for rule in Q.scoring.rules:
        assert rule.rationale.strip() and rule.source.strip()
        assert all(rule.title[lang].strip() for lang in ("fi", "sv", "en"))
        if not rule.verified:
            assert rule.note.strip(), f"{rule.id}: say why the source is not verified"


def test_the_result_lists_notes_for_children_pregnancy_safety_and_treatment() -> None:
    result = assess(
        Q,
        {
            "children_at_home": "yes",
            "pregnancy": "yes",
            "safety_at_home": "not_safe",
            "in_treatment": "ost",
        },
    )
    assert set(result.notes) == {
        "children_at_home",
        "pregnant",
        "not_safe_at_home",
        "has_treatment_or_worker",
    }


def test_near_the_line_lists_the_single_answers_that_would_flip_the_segment() -> None:
    phq_three = {
        "phq2_1": "more_than_half",
        "phq2_2": "several_days",
        "self_rated_health": "good",
        "housing": "own_home",
        "money": "always",
        "daily_routines": "well",
        "someone_to_turn_to": "several",
    }
    result = assess(Q, phq_three)
    assert str(result.segment) == "collaborative" and result.near_line
    assert {(f.item_id, f.instead) for f in result.flips} >= {
        ("phq2_1", ("several_days",)),
        ("phq2_2", ("not_at_all",)),
    }
    calm = {
        **phq_three,
        "phq2_1": "not_at_all",
        "phq2_2": "not_at_all",
        "emergency_visits": "none",
        "phq9_9": "not_at_all",
    }
    assert not assess(Q, calm).near_line  # "no" to "yes" on a decisive item is not one step


def test_few_answers_on_an_axis_make_the_result_near_the_line() -> None:
    result = assess(
        Q,
        {
            "phq2_1": "not_at_all",
            "phq2_2": "not_at_all",
            "phq9_9": "not_at_all",
            "housing": "own_home",
            "money": "always",
            "daily_routines": "well",
        },
    )
    assert str(result.segment) == "self_care"
    assert result.few_answers == ("risk", "capability") and result.near_line
