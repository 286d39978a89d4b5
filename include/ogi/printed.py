"""What a printed value looks like: the one definition the readers, the grammar, the glued-digit cutting and the
cells share. A value is a number (sign, thousands separators, decimals, a unit after it), a dash, a slash or 无.
Texts are NFKC-normalised before they are matched (full-width digits, ／ and － are ASCII by then)."""

from __future__ import annotations

import re

MONEY_UNITS = ("万元", "元")
COUNTERS = ("件", "个", "项", "家", "次")  # printed after a count in crawler text: 政府集中采购1个246900元
MONEY_UNIT = "(?:" + "|".join(MONEY_UNITS) + ")"
COUNTER = "(?:" + "|".join(COUNTERS) + ")"
UNIT = "(?:" + "|".join(MONEY_UNITS + COUNTERS) + ")"

SIGN = "[-−]"
DIGITS = r"\d{1,3}(?:,\d{3})+|\d+"  # thousands separators only where they group by three
NUMBER = rf"{SIGN}?(?:{DIGITS})(?:\.\d+)?{UNIT}?"
DASH_CHARS = "-‐‑‒–—―−⸺⸻"
DASH_RUN = f"[{re.escape(DASH_CHARS)}]+"
SLASHES = ("/", "\\")
NONE_WORD = "无"

# One value, as a table cell or a line's chunk holds it.
VALUE = re.compile(rf"{NUMBER}|{DASH_RUN}|[/\\]|{NONE_WORD}")
# A cell holding one number and nothing else, for readers that repeat or join numeric cells.
NUMBER_CELL = re.compile(rf"^\s*{NUMBER}\s*$")
# A run of free text that may hold several values glued together (801000081, 3---31-1-2-----, ——109, 4//2):
# digits, dashes and slashes, the separators that occur within numbers, a unit at the end; or 无.
_GLUED_CHAR = rf"\d{re.escape(DASH_CHARS)}/\\"
GLUED = re.compile(rf"[{_GLUED_CHAR}](?:[{_GLUED_CHAR},.]*[{_GLUED_CHAR}])?{UNIT}?|无")
# Where the values of a line of free text may start: a digit, a sign or dash, a slash.
GLUED_START = re.compile(rf"[{_GLUED_CHAR}]")
# An item number printed before a label (3. 3、 3， (3) 3) 四、 (四)): never a value.
_NUMERAL = r"(?:\d{1,2}|[一二三四五六七八九十]+)"
ITEM_NUMBER = re.compile(rf"(?:\(\s*{_NUMERAL}\s*\)|\(?{_NUMERAL}\)?\s*[.、,，)])(?!\d)")

_NUMBER_PARTS = re.compile(rf"(?P<sign>{SIGN})?(?P<digits>{DIGITS})(?P<frac>\.\d+)?(?P<unit>{UNIT})?")


def parse(text: str) -> tuple[int | float, str | None] | None:
    """A printed number's value as printed and its unit, or None when `text` is not one number."""
    match = _NUMBER_PARTS.fullmatch(text)
    if match is None:
        return None
    digits = match["digits"].replace(",", "")
    value: int | float = float(digits + match["frac"]) if match["frac"] else int(digits)
    return (-value if match["sign"] else value), match["unit"]


def is_dash(text: str) -> bool:
    """A dash, a run of dashes, or 一 standing alone (a dash typed as the numeral)."""
    return bool(text) and (text == "一" or all(ch in DASH_CHARS for ch in text))
