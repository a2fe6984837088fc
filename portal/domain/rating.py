"""The professional's own view of a client: a rating of each axis, the segment it gives, routing.

Only fixed values, never free text: what a professional writes about a client would be personal
data. The segment follows from the two ratings (the county's four-field model, seed 003); the
professional may choose another one, but only with a reason from `OVERRIDE_REASONS`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from portal.domain.scoring import Segment
from portal.domain.service_directory import KINDS

CANNOT_SAY = "cannot_say"
UNDETERMINED = "undetermined"  # the segment "cannot say yet"

# Everyday coping. "Copes" is the higher-capability side of the model; needing help, some or a
# lot, is the lower side (the supported and intensive segments are about exactly that help).
CAPABILITY_RATINGS: tuple[str, ...] = ("copes", "some_help", "lots_of_help", CANNOT_SAY)
LOWER_CAPABILITY = frozenset({"some_help", "lots_of_help"})
# Health and wellbeing risks relative to service need. "Few" and "some" fit occasional service
# use; "many" is the many-services side (collaborative and intensive).
RISK_RATINGS: tuple[str, ...] = ("few", "some", "many", CANNOT_SAY)
HIGHER_RISK = frozenset({"many"})

DECISIONS: tuple[str, ...] = (*(str(s) for s in Segment), UNDETERMINED)
# Why the segment differs from the one the two ratings give.
OVERRIDE_REASONS: tuple[str, ...] = (
    "whole_picture",
    "services_in_place",
    "client_view",
    "situation_changed",
    "need_more_information",
)

# Kinds of service: the directory's kinds (issue 12), and three a professional may guide to that
# the directory does not list.
SERVICE_KINDS: tuple[str, ...] = (*KINDS, "health_centre", "mental_health", "other")
APPOINTMENT: tuple[str, ...] = ("yes", "no", "not_needed")
# "Was this useful to you?" (client) and "Did the summary help you?" (professional).
EXPERIENCE: tuple[str, ...] = ("yes", "partly", "no")

AXES: tuple[str, ...] = ("capability", "risk")
# How a professional's axis rating compares with the side the client's answers gave.
AXIS_OUTCOMES: tuple[str, ...] = ("agree", "disagree", "pro_cannot_say", "no_client_side")


class InvalidRating(ValueError):
    """A value that is not on one of the fixed lists, or an override without its reason."""


def segment_from(capability: str, risk: str) -> str:
    """The segment two axis ratings give; "undetermined" if either one cannot be said yet."""
    if capability not in CAPABILITY_RATINGS or risk not in RISK_RATINGS:
        raise InvalidRating(f"{capability}/{risk}")
    if CANNOT_SAY in (capability, risk):
        return UNDETERMINED
    lower = capability in LOWER_CAPABILITY
    higher = risk in HIGHER_RISK
    if higher:
        return str(Segment.INTENSIVE if lower else Segment.COLLABORATIVE)
    return str(Segment.SUPPORTED if lower else Segment.SELF_CARE)


def client_sides(provisional: str | None) -> dict[str, str | None]:
    """The side of each axis the client's answers gave ("higher"/"lower"), None without one."""
    if provisional is None or provisional == UNDETERMINED:
        return {"capability": None, "risk": None}
    segment = Segment(provisional)
    return {
        "capability": "lower" if segment in (Segment.SUPPORTED, Segment.INTENSIVE) else "higher",
        "risk": "higher" if segment in (Segment.COLLABORATIVE, Segment.INTENSIVE) else "lower",
    }


def axis_outcome(axis: str, rating: str, client_side: str | None) -> str:
    """Whether the professional's rating of one axis falls on the client's side of it."""
    if rating == CANNOT_SAY:
        return "pro_cannot_say"
    if client_side is None:
        return "no_client_side"
    if axis == "capability":
        side = "lower" if rating in LOWER_CAPABILITY else "higher"
    else:
        side = "higher" if rating in HIGHER_RISK else "lower"
    return "agree" if side == client_side else "disagree"


@dataclass(frozen=True)
class Rating:
    """One professional's view of one record, checked against the fixed lists."""

    capability: str
    risk: str
    override: str | None  # a segment other than the one the ratings give, or None
    reason: str | None  # required with an override, and only then
    routed: tuple[str, ...]
    appointment: str | None

    @property
    def derived(self) -> str:
        return segment_from(self.capability, self.risk)

    @property
    def segment(self) -> str:
        return self.override or self.derived


def make_rating(
    *,
    capability: str,
    risk: str,
    override: str | None = None,
    reason: str | None = None,
    routed: Iterable[str] = (),
    appointment: str | None = None,
) -> Rating:
    """A Rating, or InvalidRating naming the first value that is not allowed."""
    override = override or None
    reason = reason or None
    kinds = tuple(dict.fromkeys(routed))  # keeps the order, drops a repeated kind
    segment_from(capability, risk)  # checks both ratings
    if override is not None and override not in DECISIONS:
        raise InvalidRating(override)
    if override == segment_from(capability, risk):
        override = reason = None  # choosing the segment the ratings give is no override
    if (override is None) != (reason is None):
        raise InvalidRating("an override takes a reason, and a reason an override")
    if reason is not None and reason not in OVERRIDE_REASONS:
        raise InvalidRating(reason)
    if any(kind not in SERVICE_KINDS for kind in kinds):
        raise InvalidRating("routed")
    if appointment is not None and appointment not in APPOINTMENT:
        raise InvalidRating(appointment)
    return Rating(capability, risk, override, reason, kinds, appointment)
