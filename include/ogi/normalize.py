"""Text normalisation shared by every reader: width, script, pinyin annotations, invisible characters."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# 長(zhǎng): pinyin printed after a character to gloss its reading. Only lowercase Latin syllables directly
# after a CJK character are removed; (一), (国务院令第711号) and (PDF) stay.
# The "(" comes first and the CJK character is checked behind it, so the regex engine scans for "(".
_PINYIN = re.compile(
    r"\((?<=[\u3400-\u9fff]\()(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?"
    r"[aeiouüvāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{0,5}\)"
)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")

# NFKC is slow on CJK text (about a microsecond a character) and almost all of it is already normal: ASCII,
# the unified ideographs, the common CJK punctuation and pinyin's letters are each their own NFKC and a
# starter that nothing composes onto (tests/test_normalize.py checks this for every character). What these
# reports print beyond them is mostly full-width forms, spaces, circled and roman numerals, whose NFKC is
# plain ASCII; those are translated directly, and only text with anything else left goes through NFKC.
STABLE = (
    "\x00-\x7f\u4e00-\u9fff\u3001-\u3003\u3007-\u3011\u3014-\u301b\u2010\u2013\u2014\u2018-\u201d\u00b7\u00d7"
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"  # pinyin glosses
)
_UNSTABLE = re.compile(f"[^{STABLE}]")
# Latin-1, general punctuation, letterlike, enclosed alphanumerics, CJK symbols, full-width forms
_COMPAT_BLOCKS = (
    (0xA0, 0x100),
    (0x2000, 0x2070),
    (0x2100, 0x2190),
    (0x2460, 0x2500),
    (0x3000, 0x3040),
    (0xFF00, 0xFFF0),
)
_TO_ASCII = {
    code: decomposed
    for start, stop in _COMPAT_BLOCKS
    for code in range(start, stop)
    if (decomposed := unicodedata.normalize("NFKD", chr(code))) != chr(code)
    and decomposed.isascii()
    and unicodedata.combining(chr(code)) == 0
}
_COMPAT = re.compile("[" + "".join(map(chr, _TO_ASCII)) + "]+")


def _to_ascii(run: re.Match) -> str:
    return run.group().translate(_TO_ASCII)


def nfkc(text: str) -> str:
    """`unicodedata.normalize("NFKC", text)`, without its cost where the text needs no more than a table."""
    if _UNSTABLE.search(text) is None:
        return text
    text = _COMPAT.sub(_to_ascii, text)  # each replaced by its NFKD, all ASCII starters: NFKC is unchanged
    return text if _UNSTABLE.search(text) is None else unicodedata.normalize("NFKC", text)


_HAN = re.compile(r"[\u4e00-\u9fff]")

# Characters that only occur in Traditional script and are common in these reports; enough of them means
# the text is Traditional and is converted as a whole.
_TRADITIONAL_MARKERS = frozenset(
    "開報導關與請數為國會處機統計劃體書資訊這個來時對業實際範規據論務條辦發號廣區縣見進應總計覆訴議維審結轉"
)


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


# Quotation marks: reports print them in every style around 三安全一稳定, or leave them out; none is ever part of
# a value or needed to read one.
QUOTES = "\"'“”‘’「」『』"
_NO_QUOTES = dict.fromkeys(map(ord, QUOTES))


def normalize_text(text: str) -> str:
    """NFKC (full-width digits and punctuation), pinyin glosses removed, Traditional to Simplified, quotation
    marks removed."""
    text = _INVISIBLE.sub("", text)
    text = nfkc(text)
    text = _PINYIN.sub("", text)
    return to_simplified(text).translate(_NO_QUOTES)


def name_key(name: str) -> str:
    """A name as compared: NFKC (full-width brackets and letters folded), no whitespace."""
    return "".join(nfkc(name).split())
