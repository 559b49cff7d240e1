"""Browser-test fixtures: Talat served by gunicorn on a fresh SQLite database, driven by Debian's
headless chromium through Playwright.

The server is started the way users run the site (``flask db upgrade``, then
``gunicorn -c gunicorn.conf.py wsgi:app``), once per test module; the migrations run once per
test process into a template database that each module copies. The server is stopped at once
(SIGINT): a graceful stop would wait for the open live streams. These fixtures never touch the
``app``/``client``/``database_url`` fixtures of ``tests/conftest.py``, so each test runs once.
Translations are compiled beforehand by ``make translations`` (or ``make test``).
"""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.gunicorn_process import stop_gunicorn

REPO_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = REPO_ROOT / "test-artifacts"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_health(url, process, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return f"gunicorn exited with code {process.returncode}"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return None
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    return f"{url} did not answer 200 within {timeout:.0f} s"


@pytest.fixture(scope="module")
def live_env(tmp_path_factory):
    """The environment of the live server's site: run ``flask`` commands against it with
    :func:`flask_command`."""
    tmp = tmp_path_factory.mktemp("talat-live")
    port = _free_port()
    return {**os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/talat.sqlite3",
            "TALAT_INSTANCE_DIR": str(tmp / "instance"),
            "FLASK_APP": "wsgi",
            "RATELIMIT_ENABLED": "0",
            "ARGON2_TIME_COST": "1",
            "ARGON2_MEMORY_COST_KIB": "1024",
            "MAIL_DELIVERY": "inline",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "BIND": f"127.0.0.1:{port}"}


def flask_command(env, *args):
    """Run ``flask <args>`` for the live site; fail the test with its output if it fails."""
    result = subprocess.run([str(VENV_BIN / "flask"), *args], cwd=REPO_ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        pytest.fail(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """A SQLite database file the migrations have built, for the live servers to copy."""
    path = tmp_path_factory.mktemp("talat-template") / "talat.sqlite3"
    flask_command({**os.environ, "DATABASE_URL": f"sqlite:///{path}", "FLASK_APP": "wsgi",
                   "TALAT_INSTANCE_DIR": str(path.parent / "instance")}, "db", "upgrade")
    return path


@pytest.fixture(scope="module")
def live_server(request, live_env, migrated_database):
    """Base URL of a gunicorn-served Talat on its own migrated SQLite database."""
    env = live_env
    tmp = Path(env["TALAT_INSTANCE_DIR"]).parent
    port = int(env["BIND"].rsplit(":", 1)[1])
    # (the template was migrated by this test process from this checkout: it is at the head)
    shutil.copyfile(migrated_database, env["DATABASE_URL"].removeprefix("sqlite:///"))

    log_path = tmp / "gunicorn.log"
    with open(log_path, "wb") as log:
        command = [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"]
        # (a session of its own: the teardown stops the workers with their master)
        server = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    failures_before = request.session.testsfailed
    try:
        problem = _wait_for_health(f"http://127.0.0.1:{port}/healthz", server)
        if problem:
            pytest.fail(f"{problem}\n--- gunicorn output ---\n{log_path.read_text()}")
        from tests.browser.steps import LIVE_ENVS  # (here: steps imports this module)

        LIVE_ENVS[f"http://127.0.0.1:{port}"] = env  # for steps that read its database
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_gunicorn(server)
        if request.session.testsfailed > failures_before:
            print(f"\n--- gunicorn output ({log_path}) ---\n{log_path.read_text()}",
                  file=sys.stderr)


@pytest.fixture(scope="module")
def browser():
    """Debian's headless chromium (Playwright never downloads a browser here)."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason} and REQUIRE_BROWSER=1")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh desktop-sized tab with no cookies, in Bangkok time."""
    context = browser.new_context(viewport=DESKTOP, locale="th-TH", timezone_id="Asia/Bangkok")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def screenshot():
    """Save full-page screenshots of ``page`` to test-artifacts/<name>-<viewport>.png."""

    def _shoot(page, name):
        ARTIFACTS.mkdir(exist_ok=True)
        original = page.viewport_size
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
        page.set_viewport_size(original)

    return _shoot
