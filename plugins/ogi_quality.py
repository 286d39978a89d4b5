"""数据质量 / Report quality in the Airflow UI: the quality pages of `ogi.views` as a FastAPI app mounted in the
API server, and a nav entry that shows them inside the UI.

Airflow does not protect a plugin's app: every route here depends on `reader`, which resolves the user from
the request's Airflow token (the UI's `_token` cookie, or an `Authorization: Bearer` header) with the
deployment's auth manager, as the UI's own API does, and asks it whether the user may read the runs of the
nightly DAG. No token, or an expired one: 401; a forged one: 403. Only GET routes; the data is opened
read-only.

Every process that loads plugins (the scheduler, each task) imports this file: FastAPI, Airflow's API security
and ogi's views are imported only when the API server asks for the app (`create_app`).
"""

from functools import cache

from airflow.plugins_manager import AirflowPlugin

PREFIX = "/ogi-quality"
DAG_ID = "ogi_annual_reports"
PAGE_HEADERS = {
    # The pages carry no script and load nothing from elsewhere; inline styles only.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "private, no-cache",
}
RAW_TYPES = {"pdf": "application/pdf"}
RAW_SUFFIXES = {"html": "html", "text": "txt", "pdf": "pdf", "docx": "docx", "doc": "doc", "wps": "wps", "odt": "odt"}
ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2">'
    '<path d="M4 20V10M10 20V4M16 20v-7M22 20H2"/></svg>'
)


@cache
def create_app():
    """The FastAPI app of the quality pages, every route behind `reader`."""
    from typing import Annotated

    from airflow.api_fastapi.app import get_auth_manager
    from airflow.api_fastapi.auth.managers.models.base_user import BaseUser
    from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity, DagDetails
    from airflow.api_fastapi.core_api.security import get_user
    from fastapi import Depends, FastAPI, HTTPException, Request
    from fastapi.responses import HTMLResponse, Response

    def reader(user: Annotated[BaseUser, Depends(get_user)]) -> BaseUser:
        """The request's user, if the auth manager lets them read the nightly DAG's runs (what the pages show)."""
        allowed = get_auth_manager().is_authorized_dag(
            method="GET", access_entity=DagAccessEntity.RUN, details=DagDetails(id=DAG_ID), user=user
        )
        if not allowed:
            raise HTTPException(status_code=403, detail=f"not allowed to read the runs of {DAG_ID}")
        return user

    app = FastAPI(
        title="ogi report quality",
        dependencies=[Depends(reader)],
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )

    def _page(render) -> HTMLResponse:
        """`render(site)` over a connection of this request's own (closed after it: see QualityData)."""
        from ogi.views.data import QualityData
        from ogi.views.labels import Label
        from ogi.views.pages import Site

        with QualityData() as data:
            site = Site(data)
            html, status = render(site), 200
            if html is None:
                html, status = site.message(Label("未找到", "Not found"), "没有这一页 · there is no such page"), 404
        return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)

    def _filters(request: Request):
        from ogi.views.data import Filters

        try:
            return Filters.from_query(request.query_params)
        except ValueError as problem:
            raise HTTPException(status_code=400, detail=str(problem)) from None

    def _page_number(request: Request) -> int:
        raw = request.query_params.get("page", "1")
        if not raw.isdigit() or not 0 < int(raw) < 1_000_000:
            raise HTTPException(status_code=400, detail=f"page: {raw[:20]!r} is not a page number")
        return int(raw)

    def _text(request: Request, name: str) -> str | None:
        value = (request.query_params.get(name) or "").strip()
        if len(value) > 200:
            raise HTTPException(status_code=400, detail=f"{name}: longer than 200 characters")
        return value or None

    @app.get("/", response_class=HTMLResponse)
    def overview(request: Request) -> HTMLResponse:
        filters = _filters(request)
        return _page(lambda site: site.overview(filters))

    @app.get("/reports", response_class=HTMLResponse)
    def reports(request: Request) -> HTMLResponse:
        filters, number = _filters(request), _page_number(request)
        return _page(lambda site: site.reports(filters, number))

    @app.get("/agencies", response_class=HTMLResponse)
    def agencies(request: Request) -> HTMLResponse:
        filters, number = _filters(request), _page_number(request)
        return _page(lambda site: site.agencies(filters, number))

    @app.get("/report", response_class=HTMLResponse)
    def report(request: Request) -> HTMLResponse:
        report_id = _text(request, "id")
        return _page(lambda site: site.report(report_id) if report_id else None)

    @app.get("/agency", response_class=HTMLResponse)
    def agency(request: Request) -> HTMLResponse:
        name = _text(request, "name")
        region = _text(request, "region")
        return _page(lambda site: site.agency(name, region) if name else None)

    @app.get("/quarantine", response_class=HTMLResponse)
    def quarantine(request: Request) -> HTMLResponse:
        agency, stage, number = _text(request, "agency"), _text(request, "stage"), _page_number(request)
        return _page(lambda site: site.quarantine(agency, stage, number))

    @app.get("/raw/{sha256}")
    def raw(sha256: str) -> Response:
        """An archived file as fetched. Never rendered as a page of this origin: a PDF is shown by the browser's
        PDF viewer, anything else is a download."""
        from ogi.views.data import QualityData

        with QualityData() as quality:
            data = quality.raw(sha256)
            if data is None:
                raise HTTPException(status_code=404, detail="no archived file with that sha256")
            form = quality.raw_format(sha256) or ""
        media = RAW_TYPES.get(form, "application/octet-stream")
        disposition = "inline" if form in RAW_TYPES else "attachment"
        headers = {
            "Content-Disposition": f'{disposition}; filename="{sha256[:16]}.{RAW_SUFFIXES.get(form, "bin")}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, max-age=86400, immutable",
        }
        if disposition == "attachment":
            headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
        return Response(data, media_type=media, headers=headers)

    @app.get("/icon.svg", include_in_schema=False)
    def icon() -> Response:
        return Response(ICON, media_type="image/svg+xml", headers={"Cache-Control": "private, max-age=86400"})

    return app


class OgiQualityPlugin(AirflowPlugin):
    name = "ogi_quality"

    @property
    def fastapi_apps(self):  # built when the API server mounts it, not whenever plugins are loaded
        return [{"app": create_app(), "url_prefix": PREFIX, "name": "数据质量 / Report quality"}]

    external_views = [
        {
            "name": "数据质量 / Report quality",
            "href": f"{PREFIX}/",
            "url_route": "ogi-quality",
            "destination": "nav",
            "icon": f"{PREFIX}/icon.svg",
            "nav_top_level": True,
        }
    ]
