"""Harm-reduction advice as one reader sees it: on the result page, the slip and the summary."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from portal.domain import harm_reduction
from portal.domain.harm_reduction import Source
from portal.web.crisis_view import ContactView, non_urgent


@dataclass(frozen=True)
class AdviceItem:
    id: str
    title: str
    text: str
    short: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class AdviceView:
    items: tuple[AdviceItem, ...]
    reasons: tuple[str, ...]  # which answers led to it, for the professional
    help: tuple[ContactView, ...]  # non-urgent lines to talk to

    def __bool__(self) -> bool:
        return bool(self.items)


def advice_view(answers: Mapping[str, Any], version: str, lang: str) -> AdviceView:
    matched = harm_reduction.load_default().match(answers, version)
    reasons: list[str] = []
    for pattern in matched.patterns:
        if pattern.reason[lang] not in reasons:
            reasons.append(pattern.reason[lang])
    return AdviceView(
        items=tuple(
            AdviceItem(a.id, a.title[lang], a.text[lang], a.short[lang], a.sources)
            for a in matched.advice
        ),
        reasons=tuple(reasons),
        help=non_urgent(lang) if matched.advice else (),
    )
