"""Links worth following on agency pages: annual reports on a listing page, attachments on a report page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from ogi.normalize import normalize_text

_REPORT_TITLE = re.compile(r"(?:19|20)\d\d\s*年.{0,30}?(?:政府|政务)?信息公开(?:工作)?年度?报告")
_ATTACHMENT = re.compile(r"\.(pdf|docx?|wps)(?:$|[?#])", re.IGNORECASE)
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    year: int | None = None


def _links(html: str, base_url: str) -> list[Link]:
    tree = LexborHTMLParser(html)
    out = []
    for anchor in tree.css("a[href]"):
        href = (anchor.attributes.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        text = normalize_text(" ".join((anchor.text() or "", anchor.attributes.get("title") or "")).strip())
        out.append(Link(urljoin(base_url, href), text))
    return out


def report_links(html: str, base_url: str, year: int | None = None) -> list[Link]:
    """Links whose text names a 政府信息公开工作年度报告 and a year (optionally only that year)."""
    found: dict[str, Link] = {}
    for link in _links(html, base_url):
        if not _REPORT_TITLE.search(link.text):
            continue
        printed = int(_YEAR.search(link.text).group(1))
        if year is None or printed == year:
            found.setdefault(link.url, Link(link.url, link.text, printed))
    return list(found.values())


def attachments(html: str, base_url: str) -> list[Link]:
    """PDF/DOC/DOCX/WPS files linked from a report page (by URL suffix or by link text)."""
    found: dict[str, Link] = {}
    for link in _links(html, base_url):
        if _ATTACHMENT.search(urlsplit(link.url).path + "?") or _ATTACHMENT.search(link.text + "?"):
            found.setdefault(link.url, link)
    return list(found.values())
