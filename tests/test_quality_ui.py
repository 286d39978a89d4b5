"""The 数据质量 / Report quality plugin in a real Airflow API server (simple auth manager, SQLite, 127.0.0.1) over
the bundled sample's curated data: every route refuses a request without a valid Airflow token and serves one
with it, nothing but GET is accepted, and a real browser (Debian's Chromium driven by Playwright) logs in,
opens the plugin from the nav, finds the charts and a report with a highlighted violation, and saves
screenshots under test-artifacts/."""

import ast
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx
import jwt
import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FONTS = Path(sys.prefix) / "fonts" / "fonts.conf"  # a CJK font for this Chromium alone (make setup)
ARTIFACTS = Path(os.environ.get("OGI_TEST_ARTIFACTS", ROOT / "test-artifacts"))
JWT_SECRET = "ogi-quality-ui-test-secret"
PASSWORD = "ogi-test-password"
NAV = "数据质量 / Report quality"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def airflow_ui(sample_run, tmp_path_factory):
    config, _ = sample_run
    home = tmp_path_factory.mktemp("airflow_ui_home")
    (home / "passwords.json").write_text(json.dumps({"admin": PASSWORD}))
    port = free_port()
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
        "AIRFLOW__API_AUTH__JWT_SECRET": JWT_SECRET,
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__WORKERS": "1",
        "OGI_DATA": config.data_root,
        "OGI_SOURCES": str(config.sources),
    }
    done = subprocess.run([BIN / "airflow", "db", "migrate"], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    log = open(home / "api-server.log", "wb")
    server = subprocess.Popen(
        [BIN / "airflow", "api-server", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            assert server.poll() is None, (home / "api-server.log").read_text()[-3000:]
            try:
                if httpx.get(f"{base}/api/v2/monitor/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the API server did not come up"
            time.sleep(1)
        yield base, config
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def test_loading_the_plugin_imports_nothing_heavy(tmp_path):
    """The scheduler and every task load plugins: the app, FastAPI's security and the views wait for the API server."""
    code = (
        "import json, runpy, sys; runpy.run_path(sys.argv[1]); "
        "print(json.dumps([m for m in ('ogi.views.pages', 'duckdb', 'pandas', "
        "'airflow.api_fastapi.core_api.security') if m in sys.modules]))"
    )
    env = {**os.environ, "AIRFLOW_HOME": str(tmp_path), "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
    done = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "plugins" / "ogi_quality.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def token(base: str) -> str:
    answer = httpx.post(f"{base}/auth/token", json={"username": "admin", "password": PASSWORD}, timeout=30)
    assert answer.status_code in (200, 201), answer.text
    return answer.json()["access_token"]


def plugin_routes() -> set[str]:
    """Every path the plugin's app serves, read from its decorators (importing it needs Airflow configured)."""
    tree = ast.parse((ROOT / "plugins" / "ogi_quality.py").read_text(encoding="utf-8"))
    return {
        decorator.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        for decorator in node.decorator_list
        if isinstance(decorator, ast.Call) and getattr(decorator.func, "attr", "") in ("get", "post", "api_route")
    }


def urls(config) -> dict[str, str]:
    """One URL per route of the plugin, with real ids from the sample."""
    with duckdb.connect(config.data_root + "/ogi.duckdb", read_only=True) as db:
        ((report_id, sha),) = db.sql("select report_id, sha256 from reports where format = 'pdf' limit 1").fetchall()
    return {
        "/": "/ogi-quality/",
        "/reports": "/ogi-quality/reports?rule=I3",
        "/agencies": "/ogi-quality/agencies",
        "/report": f"/ogi-quality/report?id={report_id}",
        "/agency": "/ogi-quality/agency?name=平潭综合实验区",
        "/quarantine": "/ogi-quality/quarantine",
        "/raw/{sha256}": f"/ogi-quality/raw/{sha}",
        "/icon.svg": "/ogi-quality/icon.svg",
    }


def forged_tokens(real: str) -> dict[str, str]:
    header = jwt.get_unverified_header(real)
    claims = jwt.decode(real, options={"verify_signature": False})
    now = int(time.time())
    head, payload, signature = real.split(".")
    elevated = jwt.utils.base64url_encode(json.dumps({**claims, "sub": "someone-else"}).encode()).decode()
    return {
        "wrong key": jwt.encode(claims, "not-the-secret", algorithm=header["alg"]),
        "no signature (alg none)": jwt.encode(claims, None, algorithm="none"),
        "payload changed": f"{head}.{elevated}.{signature}",
        "not a JWT": "not-a-token",
        "expired": jwt.encode(
            {**claims, "iat": now - 7200, "nbf": now - 7200, "exp": now - 3600}, JWT_SECRET, algorithm=header["alg"]
        ),
    }


def with_cookie(base: str, url: str, value: str) -> httpx.Response:
    """A GET carrying `value` as the UI's session cookie, as the browser sends it."""
    with httpx.Client(base_url=base, cookies={"_token": value}, timeout=60) as client:
        return client.get(url)


def test_every_route_requires_a_valid_airflow_token(airflow_ui):
    base, config = airflow_ui
    paths = urls(config)
    assert set(paths) == plugin_routes()  # a route added later is covered here too
    real = token(base)
    forged = forged_tokens(real)
    with httpx.Client(base_url=base, timeout=60) as client:
        for route, url in paths.items():
            assert client.get(url).status_code == 401, route
            for what, fake in forged.items():
                refused = client.get(url, headers={"Authorization": f"Bearer {fake}"})
                assert refused.status_code in (401, 403), (route, what, refused.status_code)
                assert refused.status_code == (401 if what == "expired" else 403), (route, what)
                assert with_cookie(base, url, fake).status_code in (401, 403), (route, what)
            served = client.get(url, headers={"Authorization": f"Bearer {real}"})
            assert served.status_code == 200, (route, served.text[:500])
            assert with_cookie(base, url, real).status_code == 200, route
    assert "数据质量概览" in httpx.get(f"{base}/ogi-quality/", headers={"Authorization": f"Bearer {real}"}).text


def test_pages_are_read_only_and_carry_no_script(airflow_ui):
    base, config = airflow_ui
    headers = {"Authorization": f"Bearer {token(base)}"}
    with httpx.Client(base_url=base, timeout=60, headers=headers) as client:
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            assert client.request(method, "/ogi-quality/").status_code == 405, method
        page = client.get("/ogi-quality/")
        assert "script-src" not in page.headers["content-security-policy"]
        assert page.headers["content-security-policy"].startswith("default-src 'none'")
        assert page.headers["x-content-type-options"] == "nosniff"
        assert client.get("/ogi-quality/reports?year=20x4").status_code == 400
        assert client.get("/ogi-quality/report?id=ffff").status_code == 404
        assert client.get("/ogi-quality/raw/" + "0" * 64).status_code == 404
        raw = client.get(urls(config)["/raw/{sha256}"])
        assert raw.headers["content-type"] == "application/pdf" and raw.content.startswith(b"%PDF")


def test_the_quality_pages_in_a_real_browser(airflow_ui, tmp_path):
    from playwright.sync_api import sync_playwright

    base, _ = airflow_ui
    assert Path(CHROMIUM).is_file(), "Chromium is missing: run `make setup` (installs Debian's chromium)"
    assert FONTS.is_file(), "the browser test's CJK font is missing: run `make setup`"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),  # a fresh --user-data-dir
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1400, "height": 1000},
            env={**os.environ, "FONTCONFIG_FILE": str(FONTS)},
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(120_000)
            page.goto(f"{base}/")
            page.fill("input[name=username]", "admin")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/")

            page.get_by_role("link", name=NAV).click()
            page.wait_for_url("**/plugin/ogi-quality**")
            frame = page.frame_locator(f"iframe[title='{NAV}']")
            frame.locator("svg.chart").first.wait_for()
            assert frame.locator("svg.chart").count() == 6
            assert frame.locator("svg.chart rect.bar").count() > 0
            page.screenshot(path=str(ARTIFACTS / "quality-overview.png"))

            frame.get_by_role("link", name="上海市人民政府办公厅").first.click()
            highlighted = frame.locator("td.cell.hit")
            highlighted.first.wait_for()
            assert highlighted.count() > 0
            delta = frame.locator("td.cell.hit .delta", has_text="I3").first
            delta.scroll_into_view_if_needed()
            assert delta.inner_text().startswith("I3")
            assert frame.locator("h1", has_text="上海市人民政府办公厅").count() == 1
            page.screenshot(path=str(ARTIFACTS / "quality-report.png"))
        finally:
            browser.close()
    for name in ("quality-overview.png", "quality-report.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000
