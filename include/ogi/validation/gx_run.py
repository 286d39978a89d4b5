"""Run the checked-in suites on the frames with GX: one validation per frame, Data Docs for the run."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from ogi.validation.frames import Frame


@dataclass
class ExpectationOutcome:
    """One expectation's result on one frame: which frame rows it failed."""

    frame: str
    type: str
    kwargs: dict
    meta: dict
    success: bool
    failed_rows: list[int]
    exception: str | None


def _context(docs_dir: Path | None):
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if docs_dir is not None:
        context.add_data_docs_site(
            "ogi",
            {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    return context


def run_suites(frames: dict[str, Frame], suites: dict, docs_dir: Path | None = None) -> list[ExpectationOutcome]:
    import great_expectations as gx

    context = _context(docs_dir)
    source = context.data_sources.add_pandas("ogi")
    outcomes = []
    for name, frame in frames.items():
        if frame.values.empty:
            continue
        batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
        suite = context.suites.add(suites[name])
        definition = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))
        result = definition.run(
            batch_parameters={"dataframe": frame.values},
            result_format={
                "result_format": "COMPLETE",
                "partial_unexpected_count": 0,
                "return_unexpected_index_query": False,
            },
        )
        for item in result.results:
            config = item.expectation_config
            exception = item.exception_info or {}
            outcomes.append(
                ExpectationOutcome(
                    frame=name,
                    type=config.type,
                    kwargs=dict(config.kwargs),
                    meta=dict(config.meta or {}),
                    success=bool(item.success),
                    failed_rows=list(item.result.get("unexpected_index_list") or []),
                    exception=exception.get("exception_message") if exception.get("raised_exception") else None,
                )
            )
    if docs_dir is not None:
        context.build_data_docs(site_names=["ogi"])
    return outcomes
