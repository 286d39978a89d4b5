"""LibreOffice headless as a converter between office formats (DOC/WPS/ODT/RTF to DOCX, DOCX to PDF)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ogi.readers.document import ReadError

TIMEOUT = 180


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, suffix: str, target: str, env: dict[str, str] | None = None) -> bytes:
    """`data`, a file of type `suffix` (".doc"), converted to `target` ("docx", "pdf"); `env` adds to the
    environment LibreOffice runs in (FONTCONFIG_FILE: the fonts it may use).

    Each call has its own LibreOffice profile, so parallel conversions do not share a lock.
    """
    binary = soffice()
    kind = suffix.lstrip(".").upper()
    if binary is None:
        raise ReadError(
            f"{kind} needs LibreOffice to convert it, and it is not installed "
            "(Debian: apt-get install libreoffice-writer-nogui)"
        )
    with tempfile.TemporaryDirectory(prefix="ogi-convert-") as tmp:
        src = Path(tmp) / f"document{suffix}"
        src.write_bytes(data)
        cmd = [
            binary,
            f"-env:UserInstallation=file://{tmp}/profile",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            tmp,
            str(src),
        ]
        try:
            subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, check=False, env={**os.environ, **(env or {})})
        except subprocess.TimeoutExpired:
            raise ReadError(f"LibreOffice did not convert the {kind} file within {TIMEOUT} s") from None
        out = Path(tmp) / f"document.{target}"
        if not out.exists():
            raise ReadError(f"LibreOffice could not convert the {kind} file to {target.upper()} (damaged?)")
        return out.read_bytes()
