"""Custom GX expectations for what GX has none of: a linear identity across columns, whole numbers.

Import this module before loading any suite: GX silently drops expectations whose class it does not know.
"""

from __future__ import annotations

from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation, MulticolumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    MulticolumnMapMetricProvider,
)
from great_expectations.expectations.metrics.map_metric_provider.column_condition_partial import (
    column_condition_partial,
)
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_condition_partial import (
    multicolumn_condition_partial,
)

TOLERANCE = 1e-6  # money is printed to at most 6 decimals


class LinearIdentityHolds(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.linear_identity_holds"
    condition_domain_keys = ("batch_id", "table", "column_list", "row_condition", "condition_parser", "ignore_row_if")
    condition_value_keys = ("lhs",)

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, lhs, **kwargs):
        left = [c for c in column_list.columns if c in lhs]
        right = [c for c in column_list.columns if c not in lhs]
        residual = column_list[left].sum(axis=1) - column_list[right].sum(axis=1)
        return residual.abs() < TOLERANCE


class ExpectLinearIdentity(MulticolumnMapExpectation):
    """Per row, the sum of the `lhs` columns equals the sum of the other columns of `column_list`."""

    lhs: list[str]

    map_metric = "multicolumn_values.linear_identity_holds"
    success_keys = ("mostly", "lhs")
    args_keys = ("column_list", "lhs")


class ColumnValuesWholeNumber(ColumnMapMetricProvider):
    condition_metric_name = "column_values.whole_number"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, **kwargs):
        return (column - column.round()).abs() < TOLERANCE


class ExpectColumnValuesToBeWholeNumbers(ColumnMapExpectation):
    """Every non-null value of the column is a whole number."""

    map_metric = "column_values.whole_number"
    success_keys = ("mostly",)


CUSTOM = {
    "expect_linear_identity": ExpectLinearIdentity,
    "expect_column_values_to_be_whole_numbers": ExpectColumnValuesToBeWholeNumbers,
}
