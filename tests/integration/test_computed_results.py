"""Evaluation results and the capital priority list are kept per data version: asked again
while nothing they read has changed they are not computed again; after any change, made by
any service or straight in the database by another process, they are computed afresh."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import ConsensusScore, DataVersion
from tenderflow.services import computed
from tenderflow.services.bidding import bids as bid_service
from tenderflow.services.capital import priority
from tenderflow.services.evaluation import model_versions, moderation, scoring
from tenderflow.services.evaluation.results import results_for
from tenderflow.web import kept_pages
from tests.integration.capital_world import score, two_schemes
from tests.integration.conftest import sign_in_as
from tests.integration.evaluation_world import add_bids, an_evaluation, ready_made
from tests.integration.world import procurement_input

ALL = ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6")
HARBOUR = "Harbour Light Housing Trust"
FENLAND = "Fenland Support Partnership"


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    computed.CACHE.clear()
    yield
    computed.CACHE.clear()


def counts() -> tuple[int, int]:
    return computed.CACHE.counts.hits, computed.CACHE.counts.misses


def summary(procurement: Any) -> Any:
    """The results as a comparable value: provisional or not, and each bid's total and rank."""
    found = results_for(db.session, procurement)
    assert found is not None
    result = found.result
    bidders = None if result is None else [(b.bidder, b.total, b.rank) for b in result.bidders]
    return found.provisional, bidders, found.problems


def fresh_summary(procurement: Any) -> Any:
    """The same, computed with nothing kept."""
    computed.CACHE.clear()
    found = summary(procurement)
    computed.CACHE.clear()
    return found


def in_moderation(make_user: Callable[..., Any]) -> Any:
    evaluation = an_evaluation(make_user, assignments=(ALL, ALL))
    for member in evaluation.evaluators:
        rows = [
            (
                index,
                {
                    "bidder": bid.bidder.name,
                    "criterion": criterion,
                    "score": 4 if bid.bidder.name == HARBOUR else 3,
                    "comment": "Evidence from comparable services.",
                },
            )
            for index, (bid, criterion) in enumerate(
                (bid, criterion) for bid in evaluation.bids for criterion in ALL
            )
        ]
        scoring.save_scores(db.session, member, "test", rows, clock.now())
        scoring.submit_scores(db.session, member, clock.now())
    evaluation.procurement.stage = "moderation"
    db.session.commit()
    return evaluation


def changes_it(procurement: Any, change: Callable[[], None]) -> None:
    """Ask twice (the second is kept), change something, and check the next is new and right."""
    before = summary(procurement)
    hits, misses = counts()
    assert summary(procurement) == before
    assert counts() == (hits + 1, misses), "asked again unchanged, the kept results are used"
    change()
    db.session.commit()
    db.session.expire_all()
    after = summary(procurement)
    assert counts()[1] == misses + 1, "after the change the results are computed again"
    assert after == fresh_summary(procurement)
    assert after != before


def test_results_are_computed_once_until_a_score_is_submitted(
    app: Any, make_user: Callable[..., Any]
) -> None:
    evaluation = an_evaluation(make_user, assignments=(ALL, ALL))
    first, second = evaluation.evaluators

    def submit(member: Any, harbour: int) -> Callable[[], None]:
        def change() -> None:
            rows = [
                (
                    len(ALL) * number + index,
                    {
                        "bidder": bid.bidder.name,
                        "criterion": criterion,
                        "score": harbour if bid.bidder.name == HARBOUR else 3,
                        "comment": "Evidence from comparable services.",
                    },
                )
                for number, bid in enumerate(evaluation.bids)
                for index, criterion in enumerate(ALL)
            ]
            scoring.save_scores(db.session, member, "test", rows, clock.now())
            scoring.submit_scores(db.session, member, clock.now())

        return change

    changes_it(evaluation.procurement, submit(first, 5))
    changes_it(evaluation.procurement, submit(second, 2))


def test_a_consensus_score_invalidates_the_kept_results(
    app: Any, make_user: Callable[..., Any]
) -> None:
    evaluation = in_moderation(make_user)
    fenland = evaluation.bid(FENLAND)
    agree_all(evaluation, but=(fenland.id, "Q1"))
    assert summary(evaluation.procurement)[0] is True  # provisional: one consensus missing

    def agree() -> None:
        moderation.record_consensus(
            db.session,
            evaluation.procurement,
            fenland,
            "Q1",
            "5",
            "The panel agreed the evidence was excellent.",
            evaluation.moderator.user,
            clock.now(),
        )

    changes_it(evaluation.procurement, agree)
    assert summary(evaluation.procurement)[0] is False  # final, from the consensus scores


def agree_all(evaluation: Any, but: tuple[int, str] | None = None) -> None:
    for bid in evaluation.bids:
        for criterion in ALL:
            if (bid.id, criterion) != but:
                moderation.record_consensus(
                    db.session,
                    evaluation.procurement,
                    bid,
                    criterion,
                    "3",
                    "Agreed at moderation.",
                    evaluation.moderator.user,
                    clock.now(),
                )
    db.session.commit()


def test_a_pass_fail_result_invalidates_the_kept_results(
    app: Any, make_user: Callable[..., Any]
) -> None:
    evaluation = in_moderation(make_user)
    harbour = evaluation.bid(HARBOUR)

    def fail() -> None:
        moderation.record_pass_fail(
            db.session,
            evaluation.procurement,
            {(harbour.id, "PF1"): ("fail", "No public liability cover.")},
            evaluation.lead,
            clock.now(),
        )

    changes_it(evaluation.procurement, fail)
    assert summary(evaluation.procurement)[1][-1][0] == HARBOUR  # disqualified, last


def test_an_exclusion_invalidates_the_kept_results(app: Any, make_user: Callable[..., Any]) -> None:
    evaluation = in_moderation(make_user)
    fenland = evaluation.bid(FENLAND)

    def exclude() -> None:
        bid_service.exclude_bid(db.session, fenland, "Insurance below the level required.")

    changes_it(evaluation.procurement, exclude)
    assert FENLAND not in [name for name, _, _ in summary(evaluation.procurement)[1]]


def test_a_weight_changed_before_the_deadline_invalidates_the_kept_model(
    app: Any, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = model_procurement(lead)
    add_bids(procurement, opened=False)
    db.session.commit()

    def weights() -> dict[str, Any]:
        found = results_for(db.session, procurement)
        assert found is not None
        return {c.id: c.weight for c in found.data.model.criteria}

    before = weights()
    hits, misses = counts()
    assert weights() == before and counts() == (hits + 1, misses)
    swapped = ready_made().replace(
        "weight: 15\n        minimum: 2", "weight: 10\n        minimum: 2"
    )
    swapped = swapped.replace(
        "title: Meeting the needs of the client groups\n        weight: 10",
        "title: Meeting the needs of the client groups\n        weight: 15",
    )
    assert swapped != ready_made()
    model_versions.save_model(
        db.session,
        procurement,
        lead,
        clock.now(),
        source="housing-support-60-40",
        yaml_text=swapped,
    )
    db.session.commit()
    after = weights()
    assert counts()[1] == misses + 1
    assert (after["Q1"], after["Q2"]) == (before["Q2"], before["Q1"])


def model_procurement(lead: Any) -> Any:
    from tenderflow.services import procurements

    procurement = procurements.create_procurement(
        db.session, procurement_input(reference="WEIGHTS-1"), lead, clock.now()
    )
    model_versions.save_model(
        db.session,
        procurement,
        lead,
        clock.now(),
        source="housing-support-60-40",
        yaml_text=ready_made(),
    )
    db.session.commit()
    return procurement


def test_a_change_made_by_another_process_invalidates_the_kept_results(
    app: Any, database_url: str, make_user: Callable[..., Any]
) -> None:
    evaluation = in_moderation(make_user)
    agree_all(evaluation)
    before = summary(evaluation.procurement)
    assert before[0] is False  # final, from the consensus scores
    harbour = evaluation.bid(HARBOUR)
    # Another process (a second web worker, a flow run) changes a consensus score through its
    # own connection: no code of this process runs, the database's trigger moves the version.
    other = create_engine(database_url)
    try:
        with other.begin() as connection:
            table = ConsensusScore.__table__
            connection.execute(
                table.update()
                .where(table.c.bid_id == harbour.id, table.c.criterion_id == "Q1")
                .values(score=Decimal(5))
            )
    finally:
        other.dispose()
    db.session.commit()
    db.session.expire_all()
    after = summary(evaluation.procurement)
    assert after != before
    assert after == fresh_summary(evaluation.procurement)
    assert (
        db.session.scalar(
            select(ConsensusScore.score).where(
                ConsensusScore.bid_id == harbour.id, ConsensusScore.criterion_id == "Q1"
            )
        )
        == 5
    )


def test_nothing_is_kept_under_a_version_a_rolled_back_change_made(
    app: Any, make_user: Callable[..., Any]
) -> None:
    evaluation = in_moderation(make_user)
    committed = db.session.scalar(
        select(DataVersion.token).where(DataVersion.scope == computed.EVALUATION)
    )
    fenland = evaluation.bid(FENLAND)
    fenland.excluded = True
    db.session.flush()
    inside = db.session.scalar(
        select(DataVersion.token).where(DataVersion.scope == computed.EVALUATION)
    )
    assert inside != committed
    summary(evaluation.procurement)  # computed (and kept) without Fenland, under ``inside``
    db.session.rollback()
    # The next change gets a new random token, never the one the rolled-back change had.
    evaluation.bid(HARBOUR).exclusion_reason = "A note."
    db.session.commit()
    token = db.session.scalar(
        select(DataVersion.token).where(DataVersion.scope == computed.EVALUATION)
    )
    assert token not in (committed, inside)
    assert FENLAND in [name for name, _, _ in summary(evaluation.procurement)[1]]


def test_the_results_page_filters_the_kept_results_for_each_viewer(
    app: Any, client: Any, make_user: Callable[..., Any]
) -> None:
    from tenderflow.services.evaluation import panel

    evaluation = in_moderation(make_user)
    conflicted = make_user(Role.MODERATOR, name="Connie Conflicted")
    member = panel.add_member(db.session, evaluation.procurement, conflicted.id, "moderator")
    from tests.integration.evaluation_world import sign_and_declare

    sign_and_declare(member, conflicted=(FENLAND,))
    db.session.commit()
    sign_in_as(client, evaluation.lead)
    page = client.get("/evaluations/EVAL-1/results").get_data(as_text=True)
    assert FENLAND in page
    hits = computed.CACHE.counts.hits
    sign_in_as(client, conflicted)
    page = client.get("/evaluations/EVAL-1/results").get_data(as_text=True)
    assert computed.CACHE.counts.hits > hits, "the second viewer is served the kept results"
    assert FENLAND not in page and HARBOUR in page


def test_the_provisional_priority_list_is_kept_until_a_capital_score_changes(
    app: Any, make_user: Callable[..., Any]
) -> None:
    world = two_schemes(make_user)
    round_, flats, first = world.round, world.flats, world.scorer

    def ranked() -> list[tuple[Any, str, Any]]:
        view = priority.priority_list_view(db.session, round_)
        assert not view.produced
        return [(row.rank, row.name, row.total) for row in view.rows]

    before = ranked()
    assert [name for _, name, _ in before] == ["Wisbech foyer"]
    hits, misses = counts()
    assert ranked() == before and counts() == (hits + 1, misses)
    score(flats, first, 5, 5, 5, 5, 5)  # capital scores recorded: March flats now leads
    db.session.expire_all()
    after = ranked()
    assert counts()[1] == misses + 1
    assert [name for _, name, _ in after] == ["March flats", "Wisbech foyer"]


def test_a_missing_data_version_means_nothing_is_kept(
    app: Any, make_user: Callable[..., Any]
) -> None:
    evaluation = in_moderation(make_user)
    db.session.execute(text("DELETE FROM data_versions"))
    db.session.commit()
    summary(evaluation.procurement)
    summary(evaluation.procurement)
    assert counts() == (0, 0)
    assert computed.CACHE.counts.uncached == 2


def test_the_procurement_pages_panel_summary_is_kept_until_an_evaluator_submits(
    app: Any, client: Any, make_user: Callable[..., Any]
) -> None:
    evaluation = an_evaluation(make_user, assignments=(ALL, ALL))
    sign_in_as(client, evaluation.lead)

    def panel_line() -> str:
        kept_pages.KEPT.clear()  # the page made afresh (test_kept_pages.py keeps it whole)
        page = client.get("/procurements/EVAL-1").get_data(as_text=True)
        return next(line for line in page.splitlines() if "evaluator(s)" in line)

    assert "2 evaluator(s), 2 signed and declared, 0 submitted every score" in panel_line()
    hits, misses = counts()
    assert "0 submitted every score" in panel_line()
    assert counts()[1] == misses and counts()[0] > hits, "the second view is served what was kept"
    first = evaluation.evaluators[0]
    rows = [
        (index, {"bidder": bid.bidder.name, "criterion": criterion, "score": 3, "comment": "Fine."})
        for index, (bid, criterion) in enumerate(
            (bid, criterion) for bid in evaluation.bids for criterion in ALL
        )
    ]
    scoring.save_scores(db.session, first, "test", rows, clock.now())
    scoring.submit_scores(db.session, first, clock.now())
    db.session.commit()
    assert "2 signed and declared, 1 submitted every score" in panel_line()
