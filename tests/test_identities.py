import random

from ogi.identities import Check, all_hold, table_checks
from ogi.template import load_spec

TOTAL = Check("I1", "t3", "total", lhs=(("a", "x"), ("b", "x")), rhs=(("c", "x"),))


def test_all_hold_counts_missing_cells_as_zero():
    assert all_hold([TOTAL], {("a", "x"): 3, ("c", "x"): 3})
    assert not all_hold([TOTAL], {("a", "x"): 3})


def test_all_hold_tolerates_float_rounding_only():
    assert all_hold([TOTAL], {("a", "x"): 0.1, ("b", "x"): 0.2, ("c", "x"): 0.3})
    assert not all_hold([TOTAL], {("a", "x"): 0.1, ("b", "x"): 0.2, ("c", "x"): 0.31})


def test_all_hold_agrees_with_the_sums_on_random_tables():
    spec = load_spec()
    rng = random.Random(7)
    for table in spec.tables.values():
        for layout in table.layouts.values():
            checks = table_checks(spec, layout)
            keys = sorted({cell for check in checks for cell in check.cells})
            for _ in range(50):
                values = {key: rng.choice([0, 0, 0, 1, 2]) for key in keys if rng.random() < 0.9}
                expected = all(
                    sum(values.get(key, 0) for key in check.lhs) == sum(values.get(key, 0) for key in check.rhs)
                    for check in checks
                )
                assert all_hold(checks, values) == expected
