"""Text normalisation shared by every reader: width, script, pinyin annotations, invisible characters."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# 長(zhǎng): pinyin printed after a character to gloss its reading. Only lowercase Latin syllables directly
# after a CJK character are removed; (一), (国务院令第711号) and (PDF) stay.
_PINYIN = re.compile(
    r"(?<=[\u3400-\u9fff])\((?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?"
    r"[aeiouüvāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{0,5}\)"
)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_HAN = re.compile(r"[\u4e00-\u9fff]")

# Characters that only occur in Traditional script and are common in these reports; enough of them means
# the text is Traditional and is converted as a whole.
_TRADITIONAL_MARKERS = frozenset("開報導關與請數為國會處機統計劃體書資訊這個來時對業實際範規據論務條辦發號廣區縣見進應總計覆訴議維審結轉")


_TRADITIONAL = re.compile("[" + "".join(sorted(_TRADITIONAL_MARKERS)) + "]")


@cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def is_traditional(text: str) -> bool:
    sample = text[:20000]
    hits = len(_TRADITIONAL.findall(sample))
    if hits < 5:
        return False
    han = len(_HAN.findall(sample))
    return hits >= 5 and hits * 50 >= han * 1


def to_simplified(text: str) -> str:
    return _converter().convert(text) if is_traditional(text) else text


def normalize_text(text: str) -> str:
    """NFKC (full-width digits and punctuation), pinyin glosses removed, Traditional to Simplified."""
    text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    text = _PINYIN.sub("", text)
    return to_simplified(text)
