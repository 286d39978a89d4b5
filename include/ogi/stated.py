"""Figures a report states in its text (收到申请N件, 行政复议N件 …), found by the narrative rule's patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ogi.template import Spec

_BREAKS = re.compile(r"[\s\x1d\x1e\x1f]+")


@dataclass(frozen=True)
class Stated:
    figure: str  # a narrative figure code of rules.yaml
    value: int
    phrase: str

    def as_json(self) -> dict:
        return {"figure": self.figure, "value": self.value, "phrase": self.phrase}


def stated_figures(spec: Spec, narrative: str) -> list[Stated]:
    """Every narrative figure the text states, the first statement of each."""
    text = _BREAKS.sub("", narrative)
    found = []
    for figure in spec.rules.narrative.figures:
        hit = figure.find(text)
        if hit is not None:
            found.append(Stated(figure.code, *hit))
    return found
