"""What each busy page costs the server: database queries and processor time per request.

Unlike `load.py`, which measures time on the clock, this counts the queries each page makes
and the processor time its thread spends (in-process, through Flask's test client), which
other work on a shared machine hardly changes. It loads the demonstration data into a fresh
SQLite database, signs each person in as `load.py` does, and asks every page `--repeats`
times after a first request that fills the caches; it prints the fewest processor
milliseconds and the queries of the last request. With `--cold` every kept page, evaluation
result and priority list is dropped before each request, to show what they save.

Run with: .venv/bin/python benchmarks/page_costs.py [--repeats 20] [--cold]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PAGES = [
    ("healthz", "/healthz", "admin"),
    ("home", "/", "lead"),
    ("procurement", "/procurements/KCC-IDAS-2026", "lead"),
    ("procurement (commissioning body)", "/procurements/KCC-IDAS-2026", "commissioning"),
    ("bids", "/procurements/KCC-IDAS-2026/bids", "lead"),
    ("scoring", "/evaluations/CCC-YP-FLOAT-2027", "evaluator1"),
    ("moderation", "/evaluations/CCC-SH-HUNTS-2027/moderation", "moderator"),
    ("results", "/evaluations/KCC-IDAS-2026/results", "commissioning"),
    ("priority list (open round)", "/capital/rounds/{round}/priority-list", "commissioning"),
]


def build(work: Path) -> Any:
    import flask_migrate

    from tenderflow import clock, create_app
    from tenderflow.demo import load_demo
    from tenderflow.extensions import db
    from tenderflow.paths import MIGRATIONS_DIR

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'costs.sqlite3'}",
            "SECRET_KEY": "benchmark-only",
            "WTF_CSRF_ENABLED": False,
            "UPLOAD_DIR": str(work / "uploads"),
            "DOCUMENTS_DIR": str(work / "documents"),
        }
    )
    with app.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
        load_demo(db.session, clock.today())
        db.session.commit()
    return app


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument(
        "--cold", action="store_true", help="drop kept pages and results before each request"
    )
    options = parser.parse_args()
    os.environ.pop("TENDERFLOW_NOW", None)
    app = build(Path(tempfile.mkdtemp(prefix="tenderflow-costs-")))

    from sqlalchemy import event, select

    from tenderflow.extensions import db
    from tenderflow.models import CapitalRound

    try:
        from tenderflow.services import computed
    except ImportError:  # before results were kept
        computed = None  # type: ignore[assignment]
    try:
        from tenderflow.web import kept_pages
    except ImportError:  # before pages were kept
        kept_pages = None  # type: ignore[assignment]

    queries = [0]
    with app.app_context():
        event.listen(
            db.engine, "before_cursor_execute", lambda *_: queries.__setitem__(0, queries[0] + 1)
        )
        open_round = db.session.scalar(select(CapitalRound.id).order_by(CapitalRound.id.desc()))
    print(f"{'page':<34} {'queries':>7} {'cpu ms':>7}")
    for name, path, person in PAGES:
        client = app.test_client()
        if person != "admin" or path != "/healthz":
            client.post(
                "/login",
                data={"email": f"{person}@tenderflow.example", "password": "tenderflow-demo"},
            )
        url = path.format(round=open_round)
        answer = client.get(url)
        if answer.status_code != 200:
            print(f"{name}: {url} answers {answer.status_code} to {person}")
            return 1
        spent = []
        for _ in range(options.repeats):
            if options.cold and computed is not None:
                computed.CACHE.clear()
            if options.cold and kept_pages is not None:
                kept_pages.KEPT.clear()
            queries[0] = 0
            started = time.thread_time()
            client.get(url)
            spent.append((time.thread_time() - started) * 1000)
        print(f"{name:<34} {queries[0]:>7} {min(spent):>7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
