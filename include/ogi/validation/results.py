"""From GX outcomes to what users read: violations located to the cell and explained, and what could not be
assessed (an ambiguous or absent cell)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ogi.rules import Rules
from ogi.validation import frames as F
from ogi.validation.gx_run import ExpectationOutcome

VIOLATION_COLUMNS = [
    "report_id",
    "rule",
    "scope",
    "lhs",
    "rhs",
    "residual",
    "cells",
    "zero_cells",
    "severity",
    "message_zh",
    "message_en",
]
NOT_ASSESSABLE_COLUMNS = ["report_id", "rule", "scope", "unknown_cells"]


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(float(value), 6)


def _columns(outcome: ExpectationOutcome) -> tuple[list[str], list[str]]:
    """(lhs, rhs) frame columns of an expectation; a column rule compares the value with its bound."""
    if outcome.type == "expect_linear_identity":
        lhs = outcome.kwargs["lhs"]
        return lhs, [c for c in outcome.kwargs["column_list"] if c not in lhs]
    return [outcome.kwargs["column"]], []


class _Rows:
    """A frame's key, value and origin columns as arrays, for reading many single rows fast."""

    def __init__(self, frame: F.Frame, columns: list[str]):
        self.frame = frame
        self.columns = columns
        self.keys = list(zip(*(frame.values[k].to_numpy() for k in frame.keys)))
        self.values = frame.values[columns].to_numpy(dtype=float)
        self.origin = frame.origin[columns].to_numpy()

    def describe(self, row: int) -> tuple[list[str], list[str], list[str]]:
        """(cells used with their values, cells counted as 0, cells not known) for one frame row."""
        used, zero, unknown = [], [], []
        for i, column in enumerate(self.columns):
            origin, value = int(self.origin[row, i]), self.values[row, i]
            if origin == F.NOT_IN_LAYOUT:
                continue
            for name in self.frame.cells(self.keys[row], column):
                if origin == F.UNKNOWN or math.isnan(value):
                    unknown.append(name)
                else:
                    used.append(f"{name}={_number(value)}")
                if origin == F.AS_ZERO:
                    zero.append(name)
        return used, zero, unknown


def _scope(outcome: ExpectationOutcome, frame: F.Frame, key: tuple, column: str) -> str:
    return outcome.meta["scope"].format(**dict(zip(frame.keys, key)), column=column)


def _messages(rules: Rules, rule: str, scope: str, lhs, rhs, residual, zero: list[str], extra: str) -> tuple[str, str]:
    zh, en = rules.rule(rule).zh, rules.rule(rule).en
    if residual is None:
        zh = f"{rule} {scope}：{zh}（{extra}）"
        en = f"{rule} {scope}: {en} ({extra})"
    else:
        zh = f"{rule} {scope}：{zh}（{lhs} ≠ {rhs}，相差 {residual}{extra}）"
        en = f"{rule} {scope}: {en} ({lhs} != {rhs}, off by {residual}{extra})"
    if zero:
        zh += f"；以下单元格为空白、横线、斜杠或文字，按0计：{'、'.join(zero)}"
        en += f"; counted as 0 (blank, dash, slash or text): {', '.join(zero)}"
    return zh, en


def violations(rules: Rules, frames: dict[str, F.Frame], outcomes: list[ExpectationOutcome]) -> pd.DataFrame:
    rows = []
    for outcome in outcomes:
        if outcome.exception:
            raise RuntimeError(
                f"GX could not evaluate {outcome.type} {outcome.kwargs} on {outcome.frame}: {outcome.exception}"
            )
        if not outcome.failed_rows:
            continue
        frame = frames[outcome.frame]
        lhs_cols, rhs_cols = _columns(outcome)
        table = _Rows(frame, lhs_cols + rhs_cols)
        rule = outcome.meta["rule"]
        for row in outcome.failed_rows:
            key = table.keys[row]
            used, zero, _ = table.describe(row)
            lhs = _number(table.values[row, : len(lhs_cols)].sum())
            if outcome.type == "expect_linear_identity":
                rhs = _number(table.values[row, len(lhs_cols) :].sum())
                residual = _number(lhs - rhs)
                extra = f"；原文：{key[2]}" if outcome.frame == "narrative" else ""
                scope = _scope(outcome, frame, key, "")
            else:
                rhs, residual = (0 if rule == "D1" else _number(round(lhs))), None
                extra = f"{lhs}"
                scope = _scope(outcome, frame, key, lhs_cols[0])
            zh, en = _messages(rules, rule, scope, lhs, rhs, residual, zero, extra)
            rows.append(
                {
                    "report_id": key[0],
                    "rule": rule,
                    "scope": scope,
                    "lhs": float(lhs),
                    "rhs": float(rhs),
                    "residual": None if residual is None else float(residual),
                    "cells": used,
                    "zero_cells": zero,
                    "severity": rules.rule(rule).severity,
                    "message_zh": zh,
                    "message_en": en,
                }
            )
    return pd.DataFrame(rows, columns=VIOLATION_COLUMNS)


def not_assessable(frames: dict[str, F.Frame], outcomes: list[ExpectationOutcome]) -> pd.DataFrame:
    """Identity checks skipped because a cell they use is ambiguous or absent: neither a pass nor a fail.
    A check whose cells the report's layout does not have is not applicable, and not listed."""
    rows = []
    for outcome in outcomes:
        if outcome.type != "expect_linear_identity":
            continue
        frame = frames[outcome.frame]
        columns = outcome.kwargs["column_list"]
        origin = frame.origin[columns].to_numpy()
        unknown = np.isnan(frame.values[columns].to_numpy(dtype=float)).any(axis=1)
        applicable = ~(origin == F.NOT_IN_LAYOUT).any(axis=1)
        skipped = np.flatnonzero(unknown & applicable)
        if not len(skipped):
            continue
        table = _Rows(frame, columns)
        for row in skipped:
            key = table.keys[row]
            rows.append(
                {
                    "report_id": key[0],
                    "rule": outcome.meta["rule"],
                    "scope": _scope(outcome, frame, key, ""),
                    "unknown_cells": table.describe(row)[2],
                }
            )
    return pd.DataFrame(rows, columns=NOT_ASSESSABLE_COLUMNS)
