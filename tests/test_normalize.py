import random
import re
import sys
import unicodedata
from pathlib import Path

from ogi.normalize import STABLE, nfkc, normalize_text

CORPUS = Path(__file__).parent / "data" / "corpus" / "real"


def test_pinyin_glosses_removed_and_traditional_converted():
    text = "大連長(zhǎng)興島經(jīng)濟(jì)技術(shù)開發(fā)區(qū)政府信息公開工作年度報(bào)告"
    assert normalize_text(text) == "大连长兴岛经济技术开发区政府信息公开工作年度报告"


def test_real_parentheses_stay():
    text = "《条例》（国务院令第711号）（一）予以公开 附件(PDF)"
    assert normalize_text(text) == "《条例》(国务院令第711号)(一)予以公开 附件(PDF)"


def test_full_width_digits_and_punctuation():
    assert normalize_text("１２３．４５，／") == "123.45,/"


def test_simplified_text_is_left_alone():
    text = "本年新收政府信息公开申请数量 著作权 乾隆"
    assert normalize_text(text) == text


def test_stable_characters_are_normal_starters_nothing_composes_onto():
    stable = re.compile(f"[{STABLE}]")
    seconds = set()
    for code in range(sys.maxunicode + 1):
        decomposition = unicodedata.decomposition(chr(code))
        if decomposition and not decomposition.startswith("<"):
            parts = decomposition.split()
            if len(parts) == 2:
                seconds.add(chr(int(parts[1], 16)))
    for code in range(0x10000):
        c = chr(code)
        if stable.fullmatch(c):
            assert unicodedata.normalize("NFKC", c) == c, hex(code)
            assert unicodedata.combining(c) == 0, hex(code)
            assert c not in seconds, hex(code)


def test_nfkc_equals_unicodedata_on_mixed_text():
    rng = random.Random(7)
    pools = [
        [chr(c) for c in range(0x20, 0x7F)],
        [chr(c) for c in range(0x4E00, 0x4E40)],
        list("，。：；（）！？、《》“”—…①⑴Ⅻ℃½\xa0\u3000\u2002ＡＢ１２"),
        # combining marks, Hangul jamo, half-width voiced marks, compatibility ideographs: what must go to NFKC
        list(
            "\u0301\u0308\u030a\u3099\u309a\uff9e\uff9f\u1100\u1161\u11a8\uac00\u2212\ufb01\u212b\u0f73\uf900\u2f00\u0323ｶ"
        ),
    ]
    for _ in range(50_000):
        text = "".join(rng.choice(rng.choice(pools)) for _ in range(rng.randint(1, 12)))
        assert nfkc(text) == unicodedata.normalize("NFKC", text), repr(text)
    for path in CORPUS.iterdir():
        if path.suffix in (".txt", ".html"):
            text = path.read_bytes().decode("utf-8", "replace")
            assert nfkc(text) == unicodedata.normalize("NFKC", text), path.name
