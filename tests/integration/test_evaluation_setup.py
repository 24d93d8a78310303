"""The lead sets up the evaluation: the model (checked, published, frozen) and the panel."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import (
    AuditEvent,
    EvaluationModelVersion,
    EvaluatorScore,
    PanelMember,
    UserRole,
)
from tenderflow.services import procurements
from tests.integration.conftest import sign_in_as
from tests.integration.evaluation_world import an_evaluation, ready_made
from tests.integration.world import procurement_input

BROKEN_MODEL = """
name: broken
title: A model whose weights do not add up
sections:
  - name: Quality
    kind: quality
    criteria:
      - {id: Q1, title: Approach, weight: 30}
      - {id: Q1, title: Staffing, weight: 20}
pass_fail: []
price: {weight: 40, formula: relative-lowest}
"""


def _procurement(make_user: Any) -> Any:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = procurements.create_procurement(
        db.session, procurement_input(reference="SETUP-1"), lead, clock.now()
    )
    db.session.commit()
    return lead, procurement


def _versions(procurement: Any) -> list[EvaluationModelVersion]:
    return list(
        db.session.scalars(
            select(EvaluationModelVersion)
            .where(EvaluationModelVersion.procurement_id == procurement.id)
            .order_by(EvaluationModelVersion.version)
        )
    )


def test_an_uploaded_model_breaking_rules_is_refused_with_every_rule_and_nothing_saved(
    client: Any, make_user: Any
) -> None:
    lead, procurement = _procurement(make_user)
    sign_in_as(client, lead)
    response = client.post(
        "/evaluations/SETUP-1/model",
        data={"action": "save", "upload": (io.BytesIO(BROKEN_MODEL.encode()), "broken.yaml")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "add up to 100" in page
    assert _versions(procurement) == []


def test_a_ready_made_model_without_social_value_is_saved_with_a_warning_then_published(
    client: Any, make_user: Any
) -> None:
    lead, procurement = _procurement(make_user)
    sign_in_as(client, lead)
    response = client.post(
        "/evaluations/SETUP-1/model",
        data={"action": "save", "ready_made": "housing-support-60-40"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "no social-value section" in page
    [version] = _versions(procurement)
    assert version.published_at is None
    client.post("/evaluations/SETUP-1/model", data={"action": "publish"})
    client.post("/evaluations/SETUP-1/model", data={"action": "guidance"})
    db.session.expire_all()
    [version] = _versions(procurement)
    assert version.published_at is not None and version.guidance_published_at is not None
    # Another lead cannot touch it.
    sign_in_as(client, make_user(Role.PROCUREMENT_LEAD))
    assert client.get("/evaluations/SETUP-1/model").status_code == 403


def test_once_bids_are_opened_the_model_cannot_change_even_with_a_reason(
    client: Any, make_user: Any
) -> None:
    evaluation = an_evaluation(make_user)
    sign_in_as(client, evaluation.lead)
    refused = client.post(
        "/evaluations/EVAL-1/model",
        data={
            "action": "save",
            "ready_made": "housing-support-social-value",
            "reason": "Social value was left out by mistake; bidders told by clarification.",
        },
    )
    page = refused.get_data(as_text=True)
    assert "The evaluation method is fixed once the tender deadline has passed" in page
    assert "terminate the procurement with its reason and start again" in page
    [version] = _versions(evaluation.procurement)
    assert version.yaml_text == ready_made() and version.change_reason is None
    audited = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "refused").order_by(AuditEvent.id.desc())
    )
    assert audited is not None and audited.actor_id == evaluation.lead.id
    assert audited.summary.startswith("Refused to change the evaluation model")


def test_the_panel_takes_only_people_with_the_role_and_assignments_are_criteria(
    client: Any, make_user: Any
) -> None:
    evaluation = an_evaluation(make_user, assignments=())
    commissioner = make_user(Role.COMMISSIONING_BODY)
    evaluator = make_user(Role.EVALUATOR, name="Nadia New")
    sign_in_as(client, evaluation.lead)
    refused = client.post(
        "/evaluations/EVAL-1/panel", data={"user_id": commissioner.id, "role": "evaluator"}
    )
    assert "Select a person who is an evaluator" in refused.get_data(as_text=True)
    client.post("/evaluations/EVAL-1/panel", data={"user_id": evaluator.id, "role": "evaluator"})
    member = db.session.scalar(select(PanelMember).where(PanelMember.user_id == evaluator.id))
    assert member is not None
    client.post(
        f"/evaluations/EVAL-1/panel/{member.id}",
        data={"action": "assign", "sections": ["Staffing and mobilisation"], "criteria": ["Q1"]},
    )
    db.session.expire_all()
    assert sorted(a.criterion_id for a in member.assignments) == ["Q1", "Q5", "Q6"]


def test_a_declared_conflict_removes_the_evaluator_from_that_bidder(
    client: Any, make_user: Any
) -> None:
    evaluation = an_evaluation(make_user, sign=False)
    member = evaluation.evaluators[0]
    sign_in_as(client, member.user)
    page = client.get("/evaluations/EVAL-1").get_data(as_text=True)
    assert "Harbour Light" not in page  # nothing of the bids before signing
    assert client.get("/evaluations/EVAL-1/criteria/Q1/scores").status_code == 302
    client.post("/evaluations/EVAL-1/confidentiality", data={"agree": "yes"})
    bidders = {b.bidder.name: b.bidder_id for b in evaluation.bids}
    missing = client.post("/evaluations/EVAL-1/conflicts", data={})
    assert missing.get_data(as_text=True).count("Select whether you have a conflict") >= 3
    answers = {f"bidder-{i}": "no" for i in bidders.values()}
    answers[f"bidder-{bidders['Riverside Care Co-operative']}"] = "yes"
    no_details = client.post("/evaluations/EVAL-1/conflicts", data=answers)
    assert "Describe your conflict with Riverside" in no_details.get_data(as_text=True)
    answers[f"details-{bidders['Riverside Care Co-operative']}"] = "I was a trustee until 2025."
    client.post("/evaluations/EVAL-1/conflicts", data=answers)
    scoring = client.get("/evaluations/EVAL-1/criteria/Q1/scores").get_data(as_text=True)
    assert "Harbour Light Housing Trust" in scoring
    assert "Riverside Care Co-operative" not in scoring


def test_bids_not_yet_opened_are_not_shown_to_evaluators(client: Any, make_user: Any) -> None:
    evaluation = an_evaluation(make_user)
    for bid in evaluation.bids:
        bid.opened_at = None
    db.session.commit()
    sign_in_as(client, evaluation.evaluators[0].user)
    page = client.get("/evaluations/EVAL-1/criteria/Q1/scores").get_data(as_text=True)
    assert "Harbour Light" not in page
    assert db.session.scalar(select(func.count(EvaluatorScore.id))) == 0


def test_the_panel_reads_the_guidance_only_once_it_is_released(client: Any, make_user: Any) -> None:
    evaluation = an_evaluation(make_user)
    version = _versions(evaluation.procurement)[0]
    version.guidance_published_at = None
    db.session.commit()
    sign_in_as(client, evaluation.evaluators[0].user)
    assert client.get("/evaluations/EVAL-1/model/guidance").status_code == 403
    sign_in_as(client, make_user(Role.EVALUATOR))  # not on the panel
    assert client.get("/evaluations/EVAL-1/model/guidance").status_code == 403
    version.guidance_published_at = version.published_at
    db.session.commit()
    sign_in_as(client, evaluation.evaluators[0].user)
    page = client.get("/evaluations/EVAL-1/model/guidance").get_data(as_text=True)
    for expected in (
        "No response or unacceptable",  # the scale's descriptors
        "Service delivery (45%)",  # sections with weights
        "Q1: Service model and support planning (weight 15",
        "Safeguarding adults and children",  # pass/fail questions
        "Price (40%)",
        "he lowest compliant price gets the full price weight; each other",
        "differ by 2 or more",
    ):
        assert expected in page


def test_the_method_is_fixed_by_the_tender_deadline_or_an_opened_bid(make_user: Any) -> None:
    from tenderflow.services.bidding.bids import tender_deadline
    from tenderflow.services.evaluation import model_versions

    evaluation = an_evaluation(make_user)
    procurement = evaluation.procurement
    now = clock.now()
    assert model_versions.is_frozen(db.session, procurement, now)
    assert model_versions.freeze_model(db.session, procurement, now)
    [version] = _versions(procurement)
    assert version.frozen_at == now
    for bid in evaluation.bids:
        bid.opened_at = None
    deadline = tender_deadline(db.session, procurement)
    assert deadline is not None and now < deadline
    assert not model_versions.is_frozen(db.session, procurement, now)
    assert not model_versions.is_frozen(db.session, procurement, deadline)
    assert model_versions.is_frozen(db.session, procurement, deadline + timedelta(seconds=1))


def test_a_lead_who_moderates_their_own_procurement_reaches_their_panel_steps(
    client: Any, make_user: Any
) -> None:
    evaluation = an_evaluation(make_user)
    lead = evaluation.lead
    sign_in_as(client, lead)
    assert (
        client.get("/evaluations/EVAL-1").headers["Location"].endswith("/evaluations/EVAL-1/panel")
    )
    lead.role_links.append(UserRole(role=Role.MODERATOR.value))
    db.session.commit()
    client.post("/evaluations/EVAL-1/panel", data={"user_id": lead.id, "role": "moderator"})
    page = client.get("/evaluations/EVAL-1").get_data(as_text=True)
    assert "You are a moderator on this panel." in page
    assert "Sign the confidentiality agreement" in page


def test_before_the_deadline_a_published_model_changes_only_as_a_new_unpublished_version(
    client: Any, make_user: Any
) -> None:
    lead, procurement = _procurement(make_user)
    sign_in_as(client, lead)
    client.post(
        "/evaluations/SETUP-1/model", data={"action": "save", "ready_made": "housing-support-60-40"}
    )
    client.post("/evaluations/SETUP-1/model", data={"action": "publish"})
    response = client.post(
        "/evaluations/SETUP-1/model",
        data={
            "action": "save",
            "ready_made": "housing-support-social-value",
            "reason": "Social value added; every bidder told by clarification.",
        },
    )
    assert response.status_code == 302
    first, second = _versions(procurement)
    assert first.published_at is not None and first.yaml_text == ready_made()
    assert second.published_at is None and second.change_reason.startswith("Social value")
