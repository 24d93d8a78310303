"""The app served on a local port, with demo data, driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
from collections.abc import Iterator
from datetime import date
from types import SimpleNamespace

import flask_migrate
import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from tenderflow import audit, create_app
from tenderflow.demo import load_demo
from tenderflow.extensions import db
from tenderflow.paths import MIGRATIONS_DIR, PROJECT_ROOT

E2E_NOW = "2026-11-16T10:00:00+00:00"
E2E_TODAY = date(2026, 11, 16)
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# axe-core (npm, installed by `make bootstrap`) checks every page the tests load against
# WCAG 2.2 AA. It is added to each page before the page's own scripts and reports through a
# binding, neither of which the page's Content-Security-Policy governs.
AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE_ON_LOAD = """
window.addEventListener('load', () => {
  const where = location.pathname + location.search;
  axe.run(document, {runOnly: {type: 'tag', values: %s}})
    .then((results) => window.__tenderflowAxe(where, results.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' '))}))))
    .catch((error) => window.__tenderflowAxe(where, [{id: 'axe-error', help: String(error), nodes: []}]))
    .finally(() => { window.__tenderflowAxeDone = true; });
});
"""


def chromium_path() -> str:
    found = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(found):
        pytest.fail(
            "Chromium is missing: run scripts/ensure-system-packages chromium", pytrace=False
        )
    return found


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    files = tmp_path_factory.mktemp("e2e")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{files / 'e2e.sqlite3'}",
            "SECRET_KEY": "e2e-only-secret",
            "FROZEN_NOW": E2E_NOW,
            "UPLOAD_DIR": str(files / "uploads"),
            "DOCUMENTS_DIR": str(files / "documents"),
        }
    )
    with app.app_context(), audit.acting_as("demo data"):
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
        load_demo(db.session, E2E_TODAY)
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}", app=app)
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Watched:
    """A browser context whose every page axe-core checks, and whose CSP refusals are kept."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        if not AXE_SCRIPT.exists():
            pytest.fail("axe-core is missing: run make bootstrap (npm ci)", pytrace=False)
        self.checked: list[str] = []
        self.violations: list[str] = []
        self.blocked: list[str] = []
        self.context = browser.new_context(base_url=base_url)
        self.context.set_default_timeout(15_000)
        self.context.expose_binding("__tenderflowAxe", self._report)
        self.context.add_init_script(script=AXE_SCRIPT.read_text())
        self.context.add_init_script(script=AXE_ON_LOAD % json.dumps(AXE_TAGS))

    def _report(self, _source: object, where: str, found: list[dict[str, object]]) -> None:
        self.checked.append(where)
        self.violations.extend(
            f"{where}: {v['id']} ({v.get('impact')}): {v['help']} at {v['nodes']}" for v in found
        )

    def new_page(self) -> Page:
        """Open a tab; anything the Content-Security-Policy blocks would break it quietly."""
        page = self.context.new_page()
        page.on(
            "console",
            lambda message: (
                self.blocked.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    def settle(self) -> None:
        """Wait for each open tab's last check to report."""
        for page in self.context.pages:
            if page.is_closed():
                continue
            with contextlib.suppress(Exception):  # a page that never loaded has nothing to wait for
                page.wait_for_function("window.__tenderflowAxeDone === true", timeout=5_000)

    def close_and_check(self) -> None:
        """Close the context; fail on a CSP refusal, no page checked, or an axe violation."""
        self.settle()
        self.context.close()
        assert self.blocked == [], f"the Content-Security-Policy blocked: {self.blocked}"
        assert self.checked, "axe-core checked no page"
        assert self.violations == [], "accessibility (axe-core, WCAG 2.2 AA):\n" + "\n".join(
            self.violations
        )


@pytest.fixture
def page(browser: Browser, live_server: SimpleNamespace) -> Iterator[Page]:
    watched = Watched(browser, live_server.url)
    yield watched.new_page()
    watched.close_and_check()


def sign_in(page: Page, email: str, password: str = "tenderflow-demo") -> None:
    """Sign in through the login page, as a person would."""
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def sign_out(page: Page) -> None:
    """Sign out with the header's button."""
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
