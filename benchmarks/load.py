"""The busiest pages under load: locust against `tenderflow serve` on loopback, demo data.

Targets on a 2-core machine: no errors; with 50 users at once every page's 95th percentile
is under 500 ms; and each page asked alone (one user, one request at a time) answers within
10 times `/healthz` at the median.

The script loads the demonstration data into a fresh SQLite database in a temporary folder
(or into the empty PostgreSQL database given with `--database-url`), starts `tenderflow serve`
(gunicorn) on a free loopback port, signs each demo person in once with their demo password and
shares that session cookie among the simulated users acting as them. Each page is asked as
someone the need-to-know rules let see it:

| page | as | why they may see it |
| --- | --- | --- |
| home | every person in the mix | any signed-in person |
| procurement page KCC-IDAS-2026 | its lead | the lead of the procurement |
| bids KCC-IDAS-2026 | its lead | the lead sees bids and prices |
| scoring CCC-YP-FLOAT-2027 | evaluator 1 | on its panel, scoring now |
| moderation CCC-SH-HUNTS-2027 | the moderator | its panel's moderator, moderation open |
| results KCC-IDAS-2026 | the commissioning body | asked for approval by the lead |
| capital priority list | the commissioning body | decides the capital round |

Each simulated user picks a page at random (equal weights) and waits `--wait` seconds on
average (uniformly between half and one and a half times it) before the next; `--wait 0`
asks again at once, a stress test rather than people reading pages.

Run with: .venv/bin/python benchmarks/load.py [--users 50] [--seconds 60] [--workers N]
    [--threads T] [--wait 1.0] [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

# locust patches the standard library for gevent: it comes before anything that does I/O.
# isort: off
import locust
from locust import HttpUser, between, constant, task
from locust.env import Environment

# isort: on
import argparse
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import gevent
import requests

P95_TARGET_MS = 500.0
ALONE_RATIO_TARGET = 10.0
DEMO_PASSWORD = "tenderflow-demo"
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # "{round}" is the capital round the priority list shows
    person: str  # the demo account, before @tenderflow.example


PAGES = [
    Page("home", "/", "lead"),
    Page("procurement", "/procurements/KCC-IDAS-2026", "lead"),
    Page("bids", "/procurements/KCC-IDAS-2026/bids", "lead"),
    Page("scoring", "/evaluations/CCC-YP-FLOAT-2027", "evaluator1"),
    Page("moderation", "/evaluations/CCC-SH-HUNTS-2027/moderation", "moderator"),
    Page("results", "/evaluations/KCC-IDAS-2026/results", "commissioning"),
    Page("priority list", "/capital/rounds/{round}/priority-list", "commissioning"),
]
# Home is also asked by these, so it is measured for more than one kind of person.
HOME_ALSO = ["evaluator1", "moderator", "commissioning"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def tenderflow_command() -> str:
    found = Path(sys.executable).parent / "tenderflow"
    return str(found) if found.exists() else shutil.which("tenderflow") or "tenderflow"


def prepare_database(env: dict[str, str]) -> None:
    """Migrate the database and load the demonstration data (if it is empty)."""
    for args in (["db", "upgrade"], ["demo", "load", "--if-empty"]):
        done = subprocess.run(
            [tenderflow_command(), *args], env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise SystemExit(f"tenderflow {' '.join(args)} failed:\n{done.stderr[-2000:]}")
        print(done.stdout.strip())


def wait_until_up(base: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"tenderflow serve stopped with status {server.returncode}")
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"tenderflow serve did not answer within {seconds:g} s")


def sign_in(base: str, person: str) -> dict[str, str]:
    """Sign a demo person in once through the sign-in form; return the session's cookies."""
    browser = requests.Session()
    page = browser.get(f"{base}/login", timeout=10)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
    if token is None:
        raise SystemExit("the sign-in page has no CSRF token")
    answer = browser.post(
        f"{base}/login",
        data={
            "csrf_token": token.group(1),
            "email": f"{person}@tenderflow.example",
            "password": DEMO_PASSWORD,
        },
        allow_redirects=False,
        timeout=10,
    )
    if answer.status_code != 302 or "two-factor" in answer.headers.get("Location", ""):
        raise SystemExit(f"{person} could not sign in with the demo password")
    # A browser keeps the cookie each answer sets: the first page with a form puts the
    # session's CSRF secret in it. Simulated users share the cookie as it is after that page.
    browser.get(f"{base}/", timeout=10)
    return browser.cookies.get_dict()


def capital_round(base: str, cookies: dict[str, str]) -> str:
    """Return the round the capital priority list opens on."""
    answer = requests.get(
        f"{base}/capital/priority-list", cookies=cookies, allow_redirects=False, timeout=10
    )
    found = re.search(r"/capital/rounds/(\d+)/priority-list", answer.headers.get("Location", ""))
    if found is None:
        raise SystemExit(
            f"no capital priority list for the commissioning body: {answer.status_code}"
        )
    return found.group(1)


def check_pages(base: str, pages: list[Page], cookies: dict[str, dict[str, str]]) -> None:
    """Stop before measuring when a page does not answer 200 for the person asking it."""
    for page in pages:
        answer = requests.get(
            base + page.path, cookies=cookies[page.person], allow_redirects=False, timeout=30
        )
        if answer.status_code != 200:
            raise SystemExit(
                f"{page.name} ({page.path}) answers {answer.status_code} to {page.person}"
            )


def alone(base: str, path: str, cookies: dict[str, str] | None, repeats: int) -> float:
    """Median milliseconds for ``path`` asked by one user, one request at a time."""
    browser = requests.Session()
    if cookies:
        browser.cookies.update(cookies)
    for _ in range(3):  # warm each process's caches and connections first
        browser.get(base + path, allow_redirects=False, timeout=30)
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        answer = browser.get(base + path, allow_redirects=False, timeout=30)
        timings.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200:
            raise SystemExit(f"{path} answered {answer.status_code} when asked alone")
    return statistics.median(timings)


def load(
    base: str,
    pages: list[Page],
    cookies: dict[str, dict[str, str]],
    users: int,
    seconds: float,
    wait: float,
) -> Environment:
    """Run ``users`` simulated people for ``seconds``; return locust's environment with its stats."""
    visits = [(page.name, page.path, page.person) for page in pages]
    visits += [("home", "/", person) for person in HOME_ALSO]

    class Person(HttpUser):
        host = base
        wait_time = between(wait / 2, wait * 1.5) if wait > 0 else constant(0)

        @task
        def visit(self) -> None:
            name, path, person = random.choice(visits)
            # One cookie jar per simulated user, but each request goes as its page's person.
            self.client.cookies.clear()
            with self.client.get(
                path,
                name=name,
                cookies=cookies[person],
                allow_redirects=False,
                catch_response=True,
            ) as answer:
                if answer.status_code == 0:  # no answer at all: say why
                    answer.failure(answer.error)
                elif answer.status_code != 200:
                    answer.failure(f"status {answer.status_code}")

    environment = Environment(user_classes=[Person], events=locust.events)
    runner = environment.create_local_runner()
    runner.start(users, spawn_rate=max(users / 5, 1))
    gevent.spawn_later(seconds, runner.quit)
    runner.greenlet.join()
    return environment


def machine_load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} (1, 5, 15 min) on {os.cpu_count()} cores"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per process")
    parser.add_argument(
        "--wait", type=float, default=1.0, help="mean seconds each user waits between pages"
    )
    parser.add_argument("--alone", type=int, default=30, help="requests per page asked alone")
    parser.add_argument("--database-url", help="an empty PostgreSQL database instead of SQLite")
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="tenderflow-load-"))
    env = {
        **os.environ,
        "TENDERFLOW_ENV": "demonstration",
        "DATABASE_URL": options.database_url or f"sqlite:///{work / 'load.sqlite3'}",
        "SECRET_KEY": secrets.token_hex(32),
        "TENDERFLOW_UPLOAD_DIR": str(work / "uploads"),
        "TENDERFLOW_DOCUMENTS_DIR": str(work / "documents"),
        "TENDERFLOW_LOG_LEVEL": "WARNING",
        # The web app alone: requests for workflows stay queued, never waiting on a server.
        "PREFECT_API_URL": "http://127.0.0.1:9/api",
    }
    for name in ("TENDERFLOW_NOW", "TENDERFLOW_TWO_FACTOR_ROLES"):
        env.pop(name, None)
    print(f"Database: {env['DATABASE_URL']}")
    prepare_database(env)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        tenderflow_command(),
        "serve",
        "--port",
        str(port),
        "--threads",
        str(options.threads),
    ]
    if options.workers:
        command += ["--workers", str(options.workers)]
    log = (work / "serve.log").open("wb")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        wait_until_up(base, server)
        people = sorted({page.person for page in PAGES} | set(HOME_ALSO))
        cookies = {person: sign_in(base, person) for person in people}
        round_id = capital_round(base, cookies["commissioning"])
        pages = [Page(p.name, p.path.format(round=round_id), p.person) for p in PAGES]
        check_pages(base, pages, cookies)

        print(f"Machine load before: {machine_load()}")
        health = alone(base, "/healthz", None, options.alone)
        single = {
            page.name: alone(base, page.path, cookies[page.person], options.alone) for page in pages
        }

        print(
            f"Load: {options.users} users for {options.seconds:g} s, "
            f"{'no wait' if options.wait <= 0 else f'about {options.wait:g} s between pages'}, "
            f"{command[-1] if options.workers else 'default'} process(es)"
        )
        environment = load(base, pages, cookies, options.users, options.seconds, options.wait)
        print(f"Machine load after: {machine_load()}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    return report(environment, pages, health, single, options, work)


def report(
    environment: Environment,
    pages: list[Page],
    health: float,
    single: dict[str, float],
    options: argparse.Namespace,
    work: Path,
) -> int:
    stats = environment.stats
    total = stats.total
    print(
        f"\n{total.num_requests} requests, {total.num_failures} errors, "
        f"{total.total_rps:.1f} requests a second"
    )
    print(f"/healthz alone: median {health:.1f} ms")
    header = f"{'page':<14} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'alone ms':>8} {'x healthz':>9}"
    print(header)
    print("-" * len(header))
    ok = total.num_failures == 0
    for page in pages:
        entry = stats.get(page.name, "GET")
        p50 = entry.get_response_time_percentile(0.5) or 0
        p95 = entry.get_response_time_percentile(0.95) or 0
        ratio = single[page.name] / health if health else float("inf")
        page_ok = (
            entry.num_failures == 0
            and entry.num_requests > 0
            and p95 < P95_TARGET_MS
            and ratio <= ALONE_RATIO_TARGET
        )
        ok = ok and page_ok
        print(
            f"{page.name:<14} {entry.num_requests:>8} {entry.num_failures:>6} {p50:>7.0f} {p95:>7.0f} "
            f"{single[page.name]:>8.1f} {ratio:>9.1f} {'OK' if page_ok else 'MISSED'}"
        )
    for error in stats.errors.values():
        print(f"error: {error.name}: {error.error} ({error.occurrences} times)")
    print(
        f"\nTargets: no errors, p95 under {P95_TARGET_MS:g} ms with {options.users} users, "
        f"each page alone within {ALONE_RATIO_TARGET:g}x /healthz: {'met' if ok else 'MISSED'}"
    )
    print(f"Server log: {work / 'serve.log'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
