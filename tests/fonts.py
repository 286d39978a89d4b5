"""The fonts PDF fixtures are rendered with, whatever the host has installed.

LibreOffice lays a page out with the fonts fontconfig offers it, so the host's fonts move page breaks (with
fonts-noto-cjk installed, 表三 of a synthetic report runs onto a third page). Fixtures are rendered with a
fontconfig file that names one CJK family and nothing else, from Debian packages that `make setup` unpacks
into the virtual environment (`.venv/fixture-fonts/<family>/`), or, failing that, from where Debian installs them.
"""

from __future__ import annotations

import atexit
import shutil
import sys
import tempfile
from functools import cache
from pathlib import Path

# family → (Debian package, the font file as that package installs it under /usr/share/fonts)
FAMILIES = {
    "wqy-microhei": ("fonts-wqy-microhei", "truetype/wqy/wqy-microhei.ttc"),  # a 黑体 (sans)
    "ar-pl-uming": ("fonts-arphic-uming", "truetype/arphic/uming.ttc"),  # a 明体 (serif), as 宋体 prints
}
DEFAULT = "wqy-microhei"
_VENV_FONTS = Path(sys.prefix) / "fixture-fonts"


def font_file(family: str) -> Path:
    package, installed = FAMILIES[family]
    for path in (_VENV_FONTS / family / Path(installed).name, Path("/usr/share/fonts") / installed):
        if path.is_file():
            return path
    raise FileNotFoundError(
        f"font {family} not found: run `make setup` (unpacks Debian's {package} into {_VENV_FONTS / family})"
    )


@cache
def fontconfig_file(family: str = DEFAULT) -> Path:
    """A fontconfig file offering `family` alone, for FONTCONFIG_FILE. Its directory must hold no other font
    (fontconfig takes directories, not files, and LibreOffice ignores fonts reached through symlinks)."""
    folder = font_file(family).parent
    others = [
        p.name for p in folder.iterdir() if p.suffix.lower() in (".ttf", ".ttc", ".otf") and p != font_file(family)
    ]
    if others:
        raise RuntimeError(f"{folder} holds other fonts too ({', '.join(others)}): run `make setup`")
    root = Path(tempfile.mkdtemp(prefix=f"ogi-fontconfig-{family}-"))
    atexit.register(shutil.rmtree, root, True)
    config = root / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{folder}</dir>\n  <cachedir>{root / 'cache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return config


def render_env(family: str = DEFAULT) -> dict[str, str]:
    """The environment a renderer (LibreOffice) needs to see `family` and no other font."""
    return {"FONTCONFIG_FILE": str(fontconfig_file(family))}
