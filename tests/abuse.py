"""A real HTTP server on 127.0.0.1 playing a hostile portal: bytes trickled (in the body and in the headers), a
chunked body that never ends (slow and fast), a redirect loop, a Content-Length of 5 GB, a gzip bomb, and a
listing that links to all of them, to file:// and to private addresses, beside one good report."""

from __future__ import annotations

import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests import synth

AGENCY = "示例市恶意门户"
TITLE = "{}{}年政府信息公开工作年度报告"


def gzip_bomb(decoded_mb: int) -> bytes:
    """A gzip body of `decoded_mb` MB of zeros, about a thousandth of that on the wire."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(2**20)
    return b"".join(packer.compress(block) for _ in range(decoded_mb)) + packer.flush()


ROUTES = {  # path -> the handler's method
    "/list.html": "listing",
    "/r/good.html": "good",
    "/r/trickle.html": "trickle",
    "/r/trickle-headers.html": "trickle_headers",
    "/r/endless-slow.html": "endless_slow",
    "/r/endless-fast.html": "endless_fast",
    "/r/loop.html": "loop",
    "/r/huge.pdf": "huge",
    "/r/bomb.html": "bomb",
}


class AbusivePortal:
    def __init__(self, bomb_mb: int = 200):
        self.report = synth.make_report(31, year=2023, agency=AGENCY)
        self.good = synth.render(self.report, "html")
        self.bomb = gzip_bomb(bomb_mb)
        self.server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def listing_page(self) -> bytes:
        port = self.server.server_address[1]
        links = {
            "/r/good.html": 2023,
            "/r/trickle.html": 2022,
            "/r/trickle-headers.html": 2021,
            "/r/endless-slow.html": 2020,
            "/r/endless-fast.html": 2019,
            "/r/loop.html": 2018,
            "/r/huge.pdf": 2017,
            "/r/bomb.html": 2016,
            "file:///etc/passwd": 2015,
            "http://10.1.2.3/r.html": 2014,
            "http://169.254.169.254/latest/meta-data/": 2013,
            f"http://localhost:{port}/r/good.html": 2012,  # loopback under another name: not the listing's host
        }
        items = "".join(f"<li><a href='{href}'>{TITLE.format(AGENCY, year)}</a></li>" for href, year in links.items())
        return f"<html><head><meta charset='utf-8'></head><body><ul>{items}</ul></body></html>".encode()

    def start(self) -> AbusivePortal:
        portal = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def head(self, status: int, **headers) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name.replace("_", "-"), value)
                self.end_headers()

            def do_GET(self):
                route = getattr(self, ROUTES.get(self.path.split("?")[0], ""), None)
                try:
                    if route is None:
                        self.head(404, Content_Length="0")
                    else:
                        route()
                except (TimeoutError, BrokenPipeError, ConnectionResetError):
                    pass

            def listing(self):
                body = portal.listing_page()
                self.head(200, Content_Type="text/html; charset=utf-8", Content_Length=str(len(body)))
                self.wfile.write(body)

            def good(self):
                self.head(200, Content_Type="text/html; charset=utf-8", Content_Length=str(len(portal.good)))
                self.wfile.write(portal.good)

            def trickle(self):  # a byte every 0.2 s of a promised megabyte: no read ever times out
                self.head(200, Content_Type="text/html", Content_Length=str(2**20))
                for _ in range(2**20):
                    self.wfile.write(b"<")
                    self.wfile.flush()
                    time.sleep(0.2)

            def trickle_headers(self):  # the headers themselves, a byte at a time
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                for byte in b"X-Slow: " + b"a" * 10_000:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.2)

            def endless(self, pause_s: float) -> None:
                self.head(200, Content_Type="text/html", Transfer_Encoding="chunked")
                chunk = b"<p>" + b"1" * 4093
                while True:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.flush()
                    if pause_s:
                        time.sleep(pause_s)

            def endless_slow(self):
                self.endless(0.05)

            def endless_fast(self):
                self.endless(0)

            def loop(self):
                self.head(302, Location="/r/loop.html?again", Content_Length="0")

            def huge(self):  # 5 GB promised; a few bytes sent, then nothing
                self.head(200, Content_Type="application/pdf", Content_Length=str(5 * 10**9))
                self.wfile.write(b"%PDF-1.7\n")
                self.wfile.flush()
                time.sleep(30)

            def bomb(self):
                self.head(200, Content_Type="text/html", Content_Encoding="gzip", Content_Length=str(len(portal.bomb)))
                self.wfile.write(portal.bomb)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False  # a handler still trickling to a client gone does not hold up stop()
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
