"""Crisis help at the moment it matters: right after an acute answer, the next page opens with it.

The visit remembers which acute flags have already had their panel, so each shows once per visit;
the panel waits in the visit until the next page is drawn, so it needs no JavaScript. The flags
come from the questionnaire's own data (an option's `acute`), so any version works unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import session

from portal.domain import scoring
from portal.domain.questionnaire import Questionnaire, RawAnswer
from portal.web.crisis_view import ContactView, contacts_for_flags

PENDING = "acute_panel"  # flag ids whose panel the next page shows
SHOWN = "acute_shown"  # flag ids whose panel this visit has had
ANCHOR = "crisis-now"  # the panel's id: a redirect to #crisis-now brings it into view


@dataclass(frozen=True)
class PanelView:
    texts: tuple[str, ...]
    contacts: tuple[ContactView, ...]


def note_answers(visit: dict[str, Any], q: Questionnaire) -> bool:
    """After an answer is saved: queue the panel for any acute flag not yet shown this visit.

    Returns True when the next page should open with the panel.
    """
    answers: Mapping[str, RawAnswer] = visit.get("answers", {})
    raised = scoring.acute_flags(q, answers)
    shown = list(visit.get(SHOWN, []))
    new = [flag for flag in raised if flag not in shown]
    if not new:
        return False
    visit[SHOWN] = shown + new
    visit[PENDING] = list(visit.get(PENDING, [])) + new
    return True


def take(
    visit: dict[str, Any], q: Questionnaire, lang: str, now: dt.datetime | None = None
) -> PanelView | None:
    """The panel for the page being drawn, if one waits; it is then gone (once per visit)."""
    if PENDING not in visit:
        return None
    pending = [f for f in visit.pop(PENDING) if f in q.acute_flags]
    session.modified = True
    if not pending:
        return None
    flags = [q.acute_flags[f] for f in pending]
    return PanelView(
        texts=tuple(flag.text[lang] for flag in flags),
        contacts=contacts_for_flags(
            [tuple(flag.contacts) for flag in flags],
            lang,
            now,
            only_open=True,
            with_every_flag=False,
        ),
    )
