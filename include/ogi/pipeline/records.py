"""The records the pipeline's tasks hand each other (through XCom: keys under the data root, and the run
summary) and keep under the data root as JSON, typed."""

from __future__ import annotations

from enum import StrEnum
from typing import NotRequired, TypedDict


class Fate(StrEnum):
    """What became of a document in a run: exactly one of these (the run summary counts each)."""

    EXTRACTED = "extracted"
    QUARANTINED = "quarantined"
    CONTAINER = "container"  # a page that only links its report (the report is a document of its own)
    UNCHANGED = "unchanged"  # the same bytes are already published
    OUT_OF_SCOPE = "out_of_scope"  # a report of another year than the run asked for


FATES = tuple(Fate)


class ItemKind(StrEnum):
    PATH = "path"
    URL = "url"


class AgencyRecord(TypedDict):
    name: str
    region: str | None
    level: str | None
    parent: str | None
    allow_private: bool


class BatchItem(TypedDict):
    agency: AgencyRecord
    kind: ItemKind
    location: str
    found_on: str | None


class Batch(TypedDict):
    """`runs/<run>/batches/<n>.json`: what one fetch task fetches."""

    run_id: str
    batch: str
    year: int | None
    items: list[BatchItem]
    fetch: dict  # FetchOptions as a mapping
    extract: dict  # ExtractOptions (the budget per document) as a mapping


class Plan(TypedDict):
    batches: list[str]  # keys of the Batch records
    items: int
    listing_problems: list[str]


class Document(TypedDict):
    source: str
    agency: AgencyRecord
    found_on: str | None
    sha256: str | None  # None: nothing was fetched (see outcome and reason)
    content_type: str | None
    outcome: str | None
    reason: str | None
    attachments: int
    process: bool  # new or changed bytes (or forced): to extract


class FetchedBatch(TypedDict):
    """`runs/<run>/fetched/<n>.json`: one batch's documents."""

    run_id: str
    batch: str
    year: int | None
    extract: NotRequired[dict | None]  # the batch's budget per document (absent in runs before it)
    documents: list[Document]


class StageSummary(TypedDict):
    """`runs/<run>/staging/<n>/summary.json`: a batch's documents, counted by fate."""

    documents: int
    extracted: int
    quarantined: int
    container: int
    unchanged: int
    out_of_scope: int


class SettledCounts(TypedDict):
    """What settling the run's reports found (canonical_step.py)."""

    reports_settled: int  # reports (agency, year) settled again: those of the documents the run touched
    copies: int  # documents among them that are copies of their report's document
    copies_disagree: int  # reports whose copies disagree with it (rule D3)
    canonical_changed: int  # reports that now stand on another document than before
    unmapped_names: int  # documents read in this run whose printed agency name the sources file does not map
    documents_reassigned: int  # curated documents the sources file now assigns to another agency


class SettledRecord(TypedDict):
    """`runs/<run>/settled/settled.json`, beside the settled documents and reports."""

    replaced: list[str]  # report_ids whose curated rows the settled ones replace
    counts: SettledCounts
    base: int | None  # the curated version the audit settled and validated against (None: there was none)


class RunSummary(StageSummary, SettledCounts):
    """`runs/<run>/summary.json`, and what the publish task returns."""

    run_id: str
    newly_quarantined: int
    quality: dict[str, int]
    violations: int
    version: int | None
    published: bool
    duckdb: NotRequired[str]
    curated: NotRequired[str]
    quality_report: NotRequired[dict]
    listing_problems: NotRequired[list[str]]
