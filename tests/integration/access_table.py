"""Who may do what: the table every route is tested against, written out by hand.

Each row is (endpoint, method) and the people admitted, named by their relationship to the
test world's procurement (in moderation, with an opened bid) and its closed capital round:

- ``own-lead``: the procurement's lead (and the recipient of the world's message);
  ``co-lead``: a lead the lead added; ``other-lead``: another procurement's lead
- ``panel-evaluator``, ``panel-moderator``: on its panel; ``other-evaluator``,
  ``other-moderator``: holding the role, on no panel of it; ``conflicted-moderator``: on its
  panel, having declared a conflict with the bidder of the bid in the URL
- ``body-not-asked``, ``body-asked``: a commissioning body member before and after the lead
  asks for approval
- ``admin``, ``district-officer`` (the scheme's district), ``partnership-officer``,
  ``sp-scorer``, and ``anonymous``
- ``contract-manager``: manages the contract registered from the procurement;
  ``other-contract-manager``: holding the role, managing none of it

Everyone not in a row is refused: signed out, sent to sign in; signed in, 403 or 404 (404
where a reference must reveal nothing). A new route without a row fails the test.
"""

from __future__ import annotations

ANYONE = frozenset(
    {
        "anonymous",
        "admin",
        "own-lead",
        "co-lead",
        "other-lead",
        "panel-evaluator",
        "other-evaluator",
        "panel-moderator",
        "other-moderator",
        "conflicted-moderator",
        "body-not-asked",
        "body-asked",
        "district-officer",
        "partnership-officer",
        "sp-scorer",
        "contract-manager",
        "other-contract-manager",
    }
)
SIGNED_IN = ANYONE - {"anonymous"}
ADMIN = frozenset({"admin"})
NOBODY: frozenset[str] = frozenset()
# Those who run the procurement.
RUNS = frozenset({"admin", "own-lead", "co-lead"})
LEADS = RUNS | {"other-lead"}
BODY = frozenset({"body-not-asked", "body-asked"})
PANEL_EVALUATOR = frozenset({"panel-evaluator"})
PANEL = frozenset({"panel-evaluator", "panel-moderator", "conflicted-moderator"})
EVALUATORS_AND_MODERATORS = PANEL | {"other-evaluator", "other-moderator"}
# The procurement's pages that hold no commercial information: any reader of procurements.
READERS = LEADS | BODY | {"panel-moderator", "other-moderator", "conflicted-moderator"}
# Need to know: bids, prices, bid documents, pass/fail results, moderation queries, results.
# The conflicted moderator is admitted to the lists (with the bid withheld), not to the bid.
NEED_TO_KNOW = RUNS | {"panel-moderator", "conflicted-moderator", "body-asked"}
RUNS_AND_MODERATORS = RUNS | {"panel-moderator", "conflicted-moderator"}
MODERATION = frozenset({"admin", "panel-moderator", "conflicted-moderator"})
# A bid itself: not for a person who declared a conflict with its bidder.
THE_BID = RUNS | {"panel-moderator", "body-asked"}
# Papers cover every bid: a conflicted person sees none of them.
PAPERS = RUNS | {"panel-moderator", "body-asked"}
# Co-leads are chosen by the procurement's own lead (or an administrator), not by co-leads.
LEAD_ONLY = frozenset({"admin", "own-lead"})
DISTRICT = frozenset({"district-officer"})
PARTNERSHIP = frozenset({"partnership-officer"})
SCORER = frozenset({"sp-scorer"})
CAPITAL_PANEL = frozenset({"admin", "body-not-asked", "body-asked", "sp-scorer"})
CAPITAL_ROUNDS = CAPITAL_PANEL | PARTNERSHIP
CAPITAL_SCHEME = CAPITAL_ROUNDS | DISTRICT
# Contracts: the world's contract came from the world's procurement and is managed by
# ``contract-manager``; ``other-contract-manager`` manages none of it.
CONTRACT_MANAGERS = frozenset({"contract-manager", "other-contract-manager"})
CONTRACT_READERS = LEADS | CONTRACT_MANAGERS
SEES_THE_CONTRACT = RUNS | {"contract-manager"}
WORKS_THE_CONTRACT = frozenset({"admin", "contract-manager"})
# The contract's extension waits for the commissioning body's decision.
DECIDES = BODY | ADMIN

TABLE: dict[tuple[str, str], frozenset[str]] = {
    ("account.change_password", "GET"): SIGNED_IN,
    ("account.change_password", "POST"): SIGNED_IN,
    ("account.show", "GET"): SIGNED_IN,
    ("account.two_factor_off", "POST"): SIGNED_IN,
    ("account.two_factor_setup", "GET"): SIGNED_IN,
    ("account.two_factor_setup", "POST"): SIGNED_IN,
    ("act_gates.assessment", "GET"): READERS,
    ("act_gates.confirm_assessment", "GET"): RUNS,
    ("act_gates.confirm_assessment", "POST"): RUNS,
    ("act_gates.exclusion_checks", "GET"): READERS,
    # Only a direct award has a transparency notice page; the world's procurement is a tender.
    ("act_gates.transparency_notice", "GET"): NOBODY,
    ("act_gates.transparency_notice", "POST"): NOBODY,
    ("act_gates.record_exclusion_check", "GET"): RUNS,
    ("act_gates.record_exclusion_check", "POST"): RUNS,
    ("admin.audit", "GET"): ADMIN,
    ("admin.edit_user", "GET"): ADMIN,
    ("admin.edit_user", "POST"): ADMIN,
    ("admin.new_user", "GET"): ADMIN,
    ("admin.new_user", "POST"): ADMIN,
    ("admin.reset_two_factor", "POST"): ADMIN,
    ("admin.rule_sets", "GET"): LEADS,
    ("admin.rule_set", "GET"): LEADS,
    ("admin.send_link", "POST"): ADMIN,
    ("admin.users", "GET"): ADMIN,
    ("auth.login", "GET"): ANYONE,
    ("auth.login", "POST"): ANYONE,
    ("auth.logout", "POST"): ANYONE,
    ("auth.set_password", "GET"): ANYONE,
    ("auth.set_password", "POST"): ANYONE,
    ("auth.two_factor_step", "GET"): ANYONE,
    ("auth.two_factor_step", "POST"): ANYONE,
    ("bidders.agree_plan", "POST"): RUNS,
    ("bidders.edit_plan", "GET"): RUNS,
    ("bidders.edit_plan", "POST"): RUNS,
    ("bidders.index", "GET"): READERS,
    ("bidders.issue_itt", "GET"): RUNS,
    ("bidders.issue_itt", "POST"): RUNS,
    ("bidders.new_bidder", "GET"): RUNS,
    ("bidders.new_bidder", "POST"): RUNS,
    ("bidders.plan", "GET"): READERS,
    ("bidders.selection", "GET"): RUNS,
    ("bidders.selection", "POST"): RUNS,
    ("bidders.shortlist", "GET"): RUNS,
    ("bidders.shortlist", "POST"): RUNS,
    ("bids.accept_late", "GET"): RUNS,
    ("bids.accept_late", "POST"): RUNS,
    ("bids.document", "GET"): THE_BID,
    ("bids.extend_deadline", "GET"): RUNS,
    ("bids.extend_deadline", "POST"): RUNS,
    ("bids.exclude", "GET"): RUNS,
    ("bids.exclude", "POST"): RUNS,
    ("bids.index", "GET"): NEED_TO_KNOW,
    ("bids.new_bid", "GET"): RUNS,
    ("bids.new_bid", "POST"): RUNS,
    ("bids.open_bids", "POST"): RUNS,
    ("bids.price", "GET"): RUNS,
    ("bids.reinstate", "GET"): RUNS,
    ("bids.reinstate", "POST"): RUNS,
    ("bids.price", "POST"): RUNS,
    ("bids.show", "GET"): THE_BID,
    ("bids.upload", "POST"): RUNS,
    ("capital.advance_round", "POST"): frozenset({"admin", "sp-scorer"}),
    ("capital.agree", "GET"): SCORER,
    ("capital.agree", "POST"): SCORER,
    ("capital.check_scheme", "GET"): PARTNERSHIP,
    ("capital.check_scheme", "POST"): PARTNERSHIP,
    ("capital.checks", "GET"): PARTNERSHIP,
    ("capital.close_round", "POST"): ADMIN,
    ("capital.decide", "GET"): BODY,
    ("capital.decide", "POST"): BODY,
    ("capital.district_home", "GET"): DISTRICT,
    ("capital.documents", "GET"): DISTRICT,
    ("capital.documents", "POST"): DISTRICT,
    ("capital.document", "GET"): CAPITAL_SCHEME,
    ("capital.edit_scheme", "GET"): DISTRICT,
    ("capital.edit_scheme", "POST"): DISTRICT,
    # The world's capital round is closed: nobody adds a scheme to it.
    ("capital.import_schemes", "GET"): NOBODY,
    ("capital.import_schemes", "POST"): NOBODY,
    ("capital.latest_priority_list", "GET"): CAPITAL_PANEL,
    ("capital.new_round", "GET"): ADMIN,
    ("capital.new_round", "POST"): ADMIN,
    ("capital.new_scheme", "GET"): NOBODY,
    ("capital.new_scheme", "POST"): NOBODY,
    ("capital.pipeline", "GET"): CAPITAL_PANEL,
    ("capital.priority_list_docx", "GET"): CAPITAL_PANEL,
    ("capital.priority_list_xlsx", "GET"): CAPITAL_PANEL,
    ("capital.priority_list", "GET"): CAPITAL_PANEL,
    ("capital.remove_document", "POST"): DISTRICT,
    ("capital.review_scheme", "GET"): BODY,
    ("capital.review_scheme", "POST"): BODY,
    ("capital.rounds", "GET"): CAPITAL_ROUNDS,
    ("capital.round", "GET"): CAPITAL_ROUNDS,
    ("capital.scheme", "GET"): CAPITAL_SCHEME,
    ("capital.score_scheme", "GET"): SCORER,
    ("capital.score_scheme", "POST"): SCORER,
    ("capital.scoring", "GET"): SCORER,
    ("capital.submit_scheme", "GET"): DISTRICT,
    ("capital.submit_scheme", "POST"): DISTRICT,
    ("capital.template", "GET"): frozenset({"admin", "district-officer"}),
    ("capital.withdraw_scheme", "POST"): DISTRICT,
    ("capital.write_priority_list_document", "POST"): CAPITAL_PANEL,
    ("clarifications.answer", "GET"): RUNS,
    ("clarifications.answer", "POST"): RUNS,
    ("clarifications.index", "GET"): READERS,
    ("clarifications.new_question", "GET"): RUNS,
    ("clarifications.new_question", "POST"): RUNS,
    ("clarifications.published", "GET"): READERS,
    ("clarifications.publish", "POST"): RUNS,
    ("doc_templates.choose", "POST"): ADMIN,
    ("doc_templates.download_default", "GET"): ADMIN,
    ("doc_templates.index", "GET"): ADMIN,
    ("doc_templates.index", "POST"): ADMIN,
    ("contract_changes.ask_extension", "GET"): WORKS_THE_CONTRACT,
    ("contract_changes.ask_extension", "POST"): WORKS_THE_CONTRACT,
    ("contract_changes.decide_extension", "GET"): DECIDES,
    ("contract_changes.decide_extension", "POST"): DECIDES,
    ("contract_changes.decisions", "GET"): DECIDES,
    ("contract_changes.modify", "GET"): WORKS_THE_CONTRACT,
    ("contract_changes.modify", "POST"): WORKS_THE_CONTRACT,
    ("contract_changes.notice", "GET"): WORKS_THE_CONTRACT,
    ("contract_changes.notice", "POST"): WORKS_THE_CONTRACT,
    ("contract_changes.terminate", "GET"): WORKS_THE_CONTRACT,
    ("contract_changes.terminate", "POST"): WORKS_THE_CONTRACT,
    ("contract_management.action_done", "POST"): WORKS_THE_CONTRACT,
    ("contract_management.improvement_plan", "GET"): WORKS_THE_CONTRACT,
    ("contract_management.improvement_plan", "POST"): WORKS_THE_CONTRACT,
    ("contract_management.indicators", "GET"): WORKS_THE_CONTRACT,
    ("contract_management.indicators", "POST"): WORKS_THE_CONTRACT,
    ("contract_management.meeting", "GET"): WORKS_THE_CONTRACT,
    ("contract_management.meeting", "POST"): WORKS_THE_CONTRACT,
    ("contract_management.performance", "GET"): WORKS_THE_CONTRACT,
    ("contract_management.performance", "POST"): WORKS_THE_CONTRACT,
    ("contract_management.quality", "GET"): WORKS_THE_CONTRACT,
    ("contract_management.quality", "POST"): WORKS_THE_CONTRACT,
    ("contract_management.schedule_meeting", "GET"): WORKS_THE_CONTRACT,
    ("contract_management.schedule_meeting", "POST"): WORKS_THE_CONTRACT,
    ("contracts.details", "GET"): RUNS,
    ("contracts.details", "POST"): RUNS,
    ("contracts.index", "GET"): CONTRACT_READERS,
    ("contracts.manager", "GET"): RUNS,
    ("contracts.manager", "POST"): RUNS,
    ("contracts.new", "GET"): LEADS,
    ("contracts.new", "POST"): LEADS,
    ("contracts.priority", "GET"): WORKS_THE_CONTRACT,
    ("contracts.priority", "POST"): WORKS_THE_CONTRACT,
    ("contracts.reprocure", "POST"): RUNS,
    ("contracts.record_return", "GET"): WORKS_THE_CONTRACT,
    ("contracts.record_return", "POST"): WORKS_THE_CONTRACT,
    ("contracts.review_report", "GET"): SEES_THE_CONTRACT | BODY,
    ("contracts.show", "GET"): SEES_THE_CONTRACT,
    ("contracts.transparency", "GET"): SIGNED_IN,
    ("contracts.transparency_csv", "GET"): SIGNED_IN,
    ("contracts.upload_returns", "GET"): WORKS_THE_CONTRACT,
    ("contracts.upload_returns", "POST"): WORKS_THE_CONTRACT,
    ("documents.download_all", "GET"): PAPERS,
    ("documents.download", "GET"): PAPERS,
    ("documents.index", "GET"): PAPERS,
    # Writing papers: not the commissioning body, which reads them.
    ("documents.write_all", "POST"): PAPERS - BODY,
    ("documents.write_kind", "POST"): PAPERS - BODY,
    ("evaluation.confidentiality", "GET"): PANEL,
    ("evaluation.confidentiality", "POST"): PANEL,
    ("evaluation.conflicts", "GET"): PANEL,
    ("evaluation.conflicts", "POST"): PANEL,
    ("evaluation.consensus", "GET"): MODERATION,
    ("evaluation.consensus", "POST"): MODERATION,
    # The model and its guidance are published with the ITT: no commercial information.
    ("evaluation.guidance", "GET"): RUNS | PANEL | BODY,
    ("evaluation.import_workbook", "GET"): RUNS | PANEL_EVALUATOR,
    ("evaluation.import_workbook", "POST"): RUNS | PANEL_EVALUATOR,
    ("evaluation.member", "GET"): RUNS,
    ("evaluation.member", "POST"): RUNS,
    ("evaluation.mine", "GET"): EVALUATORS_AND_MODERATORS,  # each sees their own panels
    ("evaluation.model", "GET"): RUNS,
    ("evaluation.model", "POST"): RUNS,
    ("evaluation.moderation", "GET"): MODERATION,
    ("evaluation.overview", "GET"): RUNS | PANEL,
    ("evaluation.panel", "GET"): RUNS,
    ("evaluation.panel", "POST"): RUNS,
    ("evaluation.pass_fail", "GET"): RUNS_AND_MODERATORS,
    ("evaluation.pass_fail", "POST"): RUNS_AND_MODERATORS,
    ("evaluation.queries", "GET"): RUNS_AND_MODERATORS,
    ("evaluation.queries", "POST"): RUNS_AND_MODERATORS,
    ("evaluation.query", "GET"): RUNS_AND_MODERATORS,
    ("evaluation.query", "POST"): RUNS_AND_MODERATORS,
    ("evaluation.results", "GET"): NEED_TO_KNOW,
    ("evaluation.score", "GET"): PANEL_EVALUATOR,
    ("evaluation.score", "POST"): PANEL_EVALUATOR,
    ("evaluation.submit", "GET"): PANEL_EVALUATOR,
    ("evaluation.submit", "POST"): PANEL_EVALUATOR,
    ("evaluation.workbook", "GET"): RUNS | PANEL_EVALUATOR,
    ("home.accessibility", "GET"): ANYONE,
    ("home.healthz", "GET"): ANYONE,
    ("home.index", "GET"): SIGNED_IN,
    ("messages.email_choices", "GET"): SIGNED_IN,
    ("messages.email_choices", "POST"): SIGNED_IN,
    ("messages.index", "GET"): SIGNED_IN,
    ("messages.mark_read", "POST"): frozenset({"own-lead"}),  # the message's recipient
    ("need_to_know.add_co_lead", "POST"): LEAD_ONLY,
    ("need_to_know.remove_co_lead", "POST"): LEAD_ONLY,
    # Notices: read like the papers (before publication an award notice names the winner and
    # the price); those who run the procurement record them. Published notices are open data.
    ("notices.details", "GET"): RUNS,
    ("notices.details", "POST"): RUNS,
    ("notices.drafted", "POST"): RUNS,
    ("notices.index", "GET"): PAPERS,
    ("notices.preview", "GET"): PAPERS,
    ("notices.publish", "GET"): RUNS,
    ("notices.publish", "POST"): RUNS,
    ("notices.release", "GET"): PAPERS,
    ("notices.supplier", "GET"): RUNS,
    ("notices.supplier", "POST"): RUNS,
    ("ocds.contract_releases", "GET"): ANYONE,
    ("ocds.record", "GET"): ANYONE,
    ("ocds.releases", "GET"): ANYONE,
    ("procurements.check", "GET"): LEADS,
    ("procurements.check", "POST"): LEADS,
    ("procurements.new", "GET"): LEADS,
    ("procurements.new", "POST"): LEADS,
    ("procurements.show", "GET"): READERS,
    ("runs.check_worker", "POST"): ADMIN,
    ("runs.overview", "GET"): ADMIN,
    ("runs.status", "GET"): READERS,
    ("timetable.approval", "GET"): BODY,
    ("timetable.approval", "POST"): BODY,
    ("timetable.delay_reason", "GET"): RUNS,
    ("timetable.delay_reason", "POST"): RUNS,
    ("timetable.edit_stage", "GET"): RUNS,
    ("timetable.edit_stage", "POST"): RUNS,
    ("timetable.move", "GET"): RUNS,
    ("timetable.move", "POST"): RUNS,
    ("timetable.new_challenge", "GET"): RUNS,
    ("timetable.new_challenge", "POST"): RUNS,
    ("timetable.request_approval", "POST"): RUNS,
    ("timetable.resolve_challenge", "GET"): RUNS,
    ("timetable.resolve_challenge", "POST"): RUNS,
    ("timetable.terminate", "GET"): RUNS,
    ("timetable.terminate", "POST"): RUNS,
    ("timetable.transition", "GET"): READERS,
}
