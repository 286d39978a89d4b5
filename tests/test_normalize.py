from ogi.normalize import normalize_text


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
