"""How long evaluation results take: 100 bids x 60 criteria x 10 evaluators, and growth with bids.

Run with ``.venv/bin/python benchmarks/evaluation_results.py``. The data are synthetic and
seeded, so every run times the same work. The target is under 0.5 s for 100 bids; the time
per bid should stay roughly level as the number of bids grows (linear cost). Each figure is
the best of several runs, which measures the code rather than whatever else the machine is
doing.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tenderflow.domain.evaluation import (
    BidPrice,
    ConsensusScore,
    EvaluationModel,
    EvaluatorScore,
    PassFailResult,
    compute_results,
    parse_model,
    prepare_evaluation,
)
from tenderflow.domain.evaluation.rows import SourceRows, check_rows
from tenderflow.domain.evaluation.sensitivity import analyse

TARGET_SECONDS = 0.5
SECTIONS = 4
CRITERIA = 60
EVALUATORS = 10


def synthetic_model(criteria: int = CRITERIA, sections: int = SECTIONS) -> EvaluationModel:
    """Build a model with ``criteria`` equally weighted criteria (60 points) and price 40."""
    per_section = criteria // sections
    weight = Decimal(60) / criteria
    return parse_model(
        {
            "name": "benchmark",
            "sections": [
                {
                    "name": f"Section {s + 1}",
                    "criteria": [
                        {
                            "id": f"Q{s * per_section + c + 1}",
                            "title": f"Question {s * per_section + c + 1}",
                            "weight": str(weight),
                            **({"minimum": 1} if c == 0 else {}),
                        }
                        for c in range(per_section)
                    ],
                }
                for s in range(sections)
            ],
            "pass_fail": [{"id": "PF1", "title": "Insurance"}],
            "price": {"weight": 40, "formula": "relative-lowest"},
        }
    )


def synthetic_inputs(model: EvaluationModel, bids: int, evaluators: int, seed: int = 2008) -> Any:
    """Return scores, prices, consensus and pass/fail results for ``bids`` bids."""
    rng = random.Random(seed)
    criteria = [c.id for c in model.criteria]
    scores, consensus = [], []
    for b in range(bids):
        bidder = f"Bidder {b + 1:03d}"
        level = rng.randint(1, 4)
        for criterion in criteria:
            for e in range(evaluators):
                value = min(5, max(0, level + rng.choice((-1, 0, 0, 1))))
                scores.append(EvaluatorScore(bidder, criterion, f"E{e + 1}", value, "Evidenced"))
            consensus.append(ConsensusScore(bidder, criterion, level, "Agreed at moderation"))
    prices = [
        BidPrice(f"Bidder {b + 1:03d}", Decimal(rng.randint(800_000, 1_400_000)))
        for b in range(bids)
    ]
    pass_fail = [
        PassFailResult(f"Bidder {b + 1:03d}", "PF1", "fail" if b % 17 == 0 else "pass")
        for b in range(bids)
    ]
    return scores, prices, consensus, pass_fail


def best_of(runs: int, work: Callable[[], object]) -> float:
    """Return the fastest of ``runs`` timings of ``work``, in seconds."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return min(timings)


def as_rows(source: str, records: list[Any]) -> SourceRows:
    """Turn records into the text rows a CSV reader would give, numbered from row 2."""
    columns = tuple(records[0]._fields)
    rows = [(i + 2, {k: str(v) for k, v in r._asdict().items()}) for i, r in enumerate(records)]
    return SourceRows(source, columns, rows)


def time_size(model: EvaluationModel, bids: int, runs: int) -> dict[str, float]:
    """Time every step for ``bids`` bids; return seconds by step."""
    scores, prices, consensus, pass_fail = synthetic_inputs(model, bids, EVALUATORS)
    prepared = prepare_evaluation(model, scores, prices, consensus, pass_fail)
    score_rows = as_rows("scores.csv", scores)
    price_rows = SourceRows(
        "prices.csv",
        ("bidder", "price"),
        [(i + 2, {"bidder": p.bidder, "price": str(p.price)}) for i, p in enumerate(prices)],
    )
    return {
        "scores": len(scores),
        "provisional": best_of(
            runs, lambda: compute_results(model, scores, prices, pass_fail=pass_fail)
        ),
        "consensus": best_of(
            runs, lambda: compute_results(model, scores, prices, consensus, pass_fail)
        ),
        "sensitivity": best_of(runs, lambda: analyse(prepared)),
        "row checks": best_of(runs, lambda: check_rows(model, score_rows, price_rows)),
    }


def main() -> None:
    """Time every size and print a table of the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (best is kept)")
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[25, 50, 100, 200], help="numbers of bids"
    )
    args = parser.parse_args()
    model = synthetic_model()
    print(f"Evaluation results: {CRITERIA} criteria, {EVALUATORS} evaluators, best of {args.runs}")
    print(
        f"{'bids':>5} {'scores':>8} {'provisional':>12} {'consensus':>10} {'per bid':>9} "
        f"{'sensitivity':>12} {'row checks':>11}"
    )
    for bids in args.sizes:
        t = time_size(model, bids, args.runs)
        slowest = max(t["provisional"], t["consensus"])
        print(
            f"{bids:>5} {int(t['scores']):>8} {t['provisional']:>11.3f}s {t['consensus']:>9.3f}s "
            f"{slowest / bids * 1000:>7.2f}ms {t['sensitivity']:>11.3f}s {t['row checks']:>10.3f}s"
        )
        if bids == 100:
            verdict = "within" if slowest < TARGET_SECONDS else "OVER"
            print(
                f"  100 x {CRITERIA} x {EVALUATORS}: {slowest:.3f}s, {verdict} the "
                f"{TARGET_SECONDS}s target"
            )


if __name__ == "__main__":
    main()
