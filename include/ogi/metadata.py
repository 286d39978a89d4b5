"""Report metadata printed in the text: agency, report year (from the title), publication date."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

_TITLE = re.compile(
    r"(?P<pre>[\u4e00-\u9fff()（）·]{2,40}?)?\s*(?P<year>(?:19|20)\d\d)\s*年\s*度?\s*"
    r"(?P<post>[\u4e00-\u9fff()（）·]{0,40}?)\s*(?:政府|政务)?信息公开(?:工作)?年\s*度?\s*报\s*告"
)
_DATE = r"(?P<y>(?:19|20)\d\d)\s*[-年/.]\s*(?P<m>\d{1,2})\s*[-月/.]\s*(?P<d>\d{1,2})"
_PUBLISHED = re.compile(r"(?:发布时间|发布日期|发文日期|成文日期|时间|日期)\s*[:：]?\s*" + _DATE)
_ANY_DATE = re.compile(_DATE + r"\s*日?")
_LEAD_NOISE = re.compile(r"^(?:标题|关于|印发|公布|转发|[\d\s:：])+")


@dataclass
class Metadata:
    agency: str | None = None
    report_year: int | None = None
    published: str | None = None

    def as_json(self) -> dict:
        return asdict(self)


def _date(match: re.Match) -> str:
    return f"{int(match['y']):04d}-{int(match['m']):02d}-{int(match['d']):02d}"


_REGION_PREFIX = r"([\u4e00-\u9fff]{2,4}?(?:省|市|自治区|自治州|州|盟))"
_NOT_NAME = "由于对在经是为的和与及据本报告"


def _with_region(agency: str, text: str) -> str:
    """洪泽区人民政府 -> 淮安市洪泽区人民政府 when the text names the agency with its city or province."""
    if re.match(r"^[\u4e00-\u9fff]{2,4}?(?:省|市|自治区)", agency):
        return agency
    match = re.search(_REGION_PREFIX + re.escape(agency), text[:5000])
    if not match:
        return agency
    prefix = match.group(1).lstrip(_NOT_NAME)
    return prefix + agency if len(prefix) >= 2 else agency


def extract_metadata(text: str, title: str | None = None) -> Metadata:
    meta = Metadata()
    for candidate in filter(None, [title, text[:5000]]):
        match = _TITLE.search(candidate)
        if match:
            meta.report_year = int(match["year"])
            agency = (match["pre"] or "").strip() or (match["post"] or "").strip()
            agency = _LEAD_NOISE.sub("", agency)
            meta.agency = _with_region(agency, text) if agency else None
            break
    head = text[:3000]
    published = _PUBLISHED.search(head)
    if published is None:
        dates = list(_ANY_DATE.finditer(text[-600:]))
        published = dates[-1] if dates else None
    if published is not None:
        meta.published = _date(published)
    return meta
