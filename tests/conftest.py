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
