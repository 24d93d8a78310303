"""Time building and writing the tender evaluation report for a large procurement.

Target (issue 5): 30 bids x 40 criteria x 3 evaluators, charts included, in under 3 s.
Run with: .venv/bin/python benchmarks/evaluation_report.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the shared sample inputs live with the tests

from tenderflow.documents import build_evaluation_report, write_docx  # noqa: E402
from tenderflow.documents.content import tables  # noqa: E402
from tests.sample_documents import evaluation_input, synthetic_evaluation  # noqa: E402

TARGET_SECONDS = 3.0


def measure(bids: int, criteria: int, out_dir: Path) -> tuple[float, float, int, int]:
    """Return (build seconds, write seconds, table rows, file size) for one report."""
    data = synthetic_evaluation(bids=bids, criteria=criteria)
    started = time.perf_counter()
    document = build_evaluation_report(data)
    built = time.perf_counter()
    path = write_docx(document, None, out_dir / f"evaluation-{bids}x{criteria}.docx")
    written = time.perf_counter()
    rows = sum(len(table.rows) + 1 for table in tables(document))
    return built - started, written - built, rows, path.stat().st_size


def main() -> int:
    """Print the figures; exit 1 if the 30-bid report misses the target."""
    with tempfile.TemporaryDirectory() as folder:
        out_dir = Path(folder)
        # Warm up once: the first chart pays for matplotlib's imports and font cache.
        write_docx(build_evaluation_report(evaluation_input()), None, out_dir / "warm-up.docx")
        print(
            f"{'bids':>5} {'criteria':>8} {'build s':>8} {'write s':>8} {'total s':>8} {'rows':>6} {'KB':>6}"
        )
        failed = False
        for bids, criteria in ((30, 40), (50, 40)):
            build, write, rows, size = measure(bids, criteria, out_dir)
            total = build + write
            print(
                f"{bids:>5} {criteria:>8} {build:>8.2f} {write:>8.2f} {total:>8.2f} {rows:>6} {size // 1024:>6}"
            )
            failed |= bids == 30 and total >= TARGET_SECONDS
    print(
        f"target: 30 bids x 40 criteria in under {TARGET_SECONDS:g} s: {'missed' if failed else 'met'}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
