from ogi.template import load_spec


def test_layouts_have_the_rows_of_the_report_model():
    spec = load_spec()
    assert len(spec.layout("t3", "2021").rows) == 25
    assert len(spec.layout("t3", "2019").rows) == 23
    assert spec.layout("t2", "2021").cell_count() == 10
    assert spec.layout("t2", "2019").cell_count() == 22
    assert spec.layout("t4", "standard").cell_count() == 15
    assert [r.code for r in spec.layout("t3", "2019").rows if r.code.startswith("other")] == ["other_handling"]


def test_identity_terms_expand_result_rows_per_layout():
    spec = load_spec()
    lhs, rhs = spec.identities["I2"].terms(spec.layout("t3", "2019"))
    assert lhs == ("results_total",)
    assert "other_handling" in rhs and "other_other" not in rhs and len(rhs) == 19
    _, rhs_2021 = spec.identities["I2"].terms(spec.layout("t3", "2021"))
    assert len(rhs_2021) == 21


def test_labels_are_nfkc_normalised():
    row = load_spec().layout("t3", "2021").row("partially_granted")
    assert row.number == "(二)" and row.tail.startswith("(区分处理的,")


def test_generated_docs_match_the_spec():
    from ogi.docs import default_path, render

    assert default_path().read_text(encoding="utf-8") == render(load_spec()), "run `ogi docs build`"
