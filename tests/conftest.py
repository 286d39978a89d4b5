import json
import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
CORPUS = DATA / "corpus"


def corpus_files() -> list[Path]:
    return sorted((CORPUS / "real").iterdir())


def expected_for(path: Path) -> dict:
    return json.loads((CORPUS / "expected" / f"{path.stem}.expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.fail("LibreOffice is not installed: run `make setup` (installs libreoffice-writer-nogui)")
    return found


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory):
    """The bundled sample through the pipeline once (what `make run` publishes): its config and run summary."""
    from ogi.pipeline.config import PipelineConfig
    from ogi.pipeline.run import run_all
    from ogi.sources import sample_sources_path

    config = PipelineConfig(str(tmp_path_factory.mktemp("sample") / "data"), sample_sources_path())
    return config, run_all(config, "manual__2026-01-02T03:04:05+00:00")
