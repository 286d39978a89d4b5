"""A real HTTP server on 127.0.0.1 playing an agency portal: a listing page, report pages (one in GBK), a page
whose report is a PDF and a DOCX attachment, and the failures portals have: a 404, a 500 that succeeds on
retry, a response slower than the timeout, a file over the size cap, a link to file://."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests import synth

AGENCY = "示例市测试区人民政府"


@dataclass
class Route:
    body: bytes
    content_type: str
    fail_first: int = 0  # answer 500 this many times first
    delay_s: float = 0.0


@dataclass
class Portal:
    routes: dict[str, Route]
    reports: dict[str, synth.SyntheticReport]  # path → the report it serves
    hits: dict[str, int] = field(default_factory=dict)
    server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> Portal:
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                path = self.path.split("?")[0]
                portal.hits[path] = portal.hits.get(path, 0) + 1
                route = portal.routes.get(path)
                if route is None:
                    self.send_error(404)
                    return
                if portal.hits[path] <= route.fail_first:
                    self.send_error(500)
                    return
                if route.delay_s:
                    time.sleep(route.delay_s)
                etag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                self.send_header("ETag", etag)
                self.end_headers()
                try:
                    self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()


def _page(title: str, body: str, charset: str = "utf-8") -> str:
    return (
        f"<html><head><meta charset='{charset}'><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"
    )


def make_portal(max_bytes: int) -> Portal:
    """Reports of one agency, 2019-2024, consistent across years (their values are the test's truth)."""
    series: list[synth.SyntheticReport] = []
    for year in range(2019, 2025):
        layout = "2019" if year < 2021 else "2021"
        previous = series[-1] if series and series[-1].layouts["t3"] == layout else None
        series.append(synth.make_report(900 + year, layout, layout, year=year, agency=AGENCY, previous=previous))
    by_year = {r.year: r for r in series}
    title = "{}{}年政府信息公开工作年度报告"
    routes = {
        "/r/2022.html": Route(synth.render(by_year[2022], "html"), "text/html; charset=utf-8"),
        "/r/2023-gbk.html": Route(synth.render(by_year[2023], "html_gbk"), "text/html"),
        "/r/2024.html": Route(
            _page(
                title.format(AGENCY, 2024),
                "<p>附件：<a href='/a/2024.pdf'>年度报告.pdf</a> <a href='/a/2024.docx'>年度报告.docx</a></p>",
            ).encode("utf-8"),
            "text/html; charset=utf-8",
        ),
        "/a/2024.pdf": Route(synth.render_pdf(by_year[2024]), "application/pdf"),
        "/a/2024.docx": Route(
            synth.render(by_year[2024], "docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        "/r/2020.html": Route(synth.render(by_year[2020], "html"), "text/html; charset=utf-8", fail_first=1),
        "/r/2019-slow.html": Route(synth.render(by_year[2019], "html"), "text/html; charset=utf-8", delay_s=3.0),
        "/a/2021-huge.pdf": Route(b"%PDF-1.4\n" + b"0" * (max_bytes + 10), "application/pdf"),
    }
    links = [
        ("/r/2022.html", title.format(AGENCY, 2022)),
        ("/r/2023-gbk.html", title.format(AGENCY, 2023)),
        ("/r/2024.html", title.format(AGENCY, 2024)),
        ("/r/2020.html", title.format(AGENCY, 2020)),
        ("/r/2019-slow.html", title.format(AGENCY, 2019)),
        ("/a/2021-huge.pdf", title.format(AGENCY, 2021)),
        ("/r/2018-gone.html", title.format(AGENCY, 2018)),  # 404
        ("file:///etc/passwd", title.format(AGENCY, 2017)),  # never followed
        ("/notice.html", "关于做好2024年防汛工作的通知"),  # not a report
    ]
    listing = _page(
        "政府信息公开年报", "<ul>" + "".join(f"<li><a href='{href}'>{text}</a></li>" for href, text in links) + "</ul>"
    )
    routes["/list.html"] = Route(listing.encode("utf-8"), "text/html; charset=utf-8")
    reports = {
        "/r/2022.html": by_year[2022],
        "/r/2023-gbk.html": by_year[2023],
        "/a/2024.pdf": by_year[2024],
        "/a/2024.docx": by_year[2024],
        "/r/2020.html": by_year[2020],
    }
    return Portal(routes, reports)
