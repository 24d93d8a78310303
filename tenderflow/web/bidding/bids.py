"""Bids: receipt, lateness, exclusion, opening and documents; and the procurement page's summary.

Sealed bids stay sealed: the pages show who bid and when, never a price or a document,
until the tender deadline has passed and the lead has opened the bids.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired

from tenderflow import clock
from tenderflow.domain import bidding
from tenderflow.domain.money import parse_money
from tenderflow.domain.roles import PROCUREMENT_READERS
from tenderflow.extensions import db
from tenderflow.models import Bid, BidDocument, Lot, Procurement, User
from tenderflow.services import need_to_know
from tenderflow.services import timetable as timetable_service
from tenderflow.services.bidding import bidders, bids, plans
from tenderflow.services.bidding import clarifications as questions
from tenderflow.services.unit_of_work import unit_of_work
from tenderflow.web import kept_pages, kit
from tenderflow.web import need_to_know as ntk
from tenderflow.web.access import allow
from tenderflow.web.bidding.forms import ActionForm, WhenForm, optional_int, render_form
from tenderflow.web.forms import GovDateField, MoneyField, apply_errors
from tenderflow.web.procurements import page as procurement_page

bp = Blueprint("bids", __name__, url_prefix="/procurements/<reference>")


def _upload_dir() -> str:
    return str(current_app.config["UPLOAD_DIR"])


def _max_bytes() -> int:
    return int(current_app.config.get("BID_DOCUMENT_MAX_BYTES", bids.DEFAULT_MAX_BYTES))


def _bid_or_404(procurement: Procurement, bid_id: int, attempt: str = "see a bid") -> Bid:
    """Return the bid, answering 404 (audited) to anyone with no need to know it."""
    ntk.commercial_or_404(procurement, attempt)
    bid = bids.get_bid(db.session, procurement, bid_id)
    if bid is None:
        abort(404)
    ntk.bid_or_404(procurement, bid, attempt)
    return bid


@procurement_page.section(20, "procurements/_bidding.html")
def page_section(procurement: Procurement, user: User) -> dict[str, Any] | None:
    """Counts of bidders, bids and clarifications, with links; nothing for other roles."""
    if not user.has_role(*PROCUREMENT_READERS) or procurement.route == "exempt":
        return None
    everyone = bidders.bidders_of(db.session, procurement)
    received = bids.bids_of(db.session, procurement)
    asked = questions.clarifications_of(db.session, procurement)
    plan = plans.plan_for(db.session, procurement)
    deadline = bids.tender_deadline(db.session, procurement)
    return {
        "procurement": procurement,
        "commercial": need_to_know.may_see_commercial(db.session, user, procurement, clock.now()),
        "quotes": bidders.asks_for_quotes(procurement),
        "summary": summary_lines(
            plan_agreed=None if plan is None else plan.agreed_at is not None,
            quotes=bidders.asks_for_quotes(procurement),
            everyone=everyone,
            received=received,
            asked=asked,
            sealed=bidding.is_sealed(deadline, clock.now()),
            deadline=bids.deadline_text(deadline),
        ),
    }


def summary_lines(
    *,
    plan_agreed: bool | None,
    quotes: bool,
    everyone: list[Any],
    received: list[Bid],
    asked: list[Any],
    sealed: bool,
    deadline: str | None,
) -> dict[str, str]:
    """Return the procurement page's one-line summaries of the plan, bidders, bids and questions."""
    if plan_agreed is None:
        plan_text = "Not written"
    else:
        plan_text = "Agreed" if plan_agreed else "Draft, not yet agreed"
    if quotes:
        bidders_text = f"{len(everyone)} asked to quote"
    else:
        bidders_text = (
            f"{len(everyone)} registered interest, "
            f"{sum(1 for b in everyone if b.selection == 'passed')} passed selection, "
            f"{sum(1 for b in everyone if b.shortlisted)} shortlisted, "
            f"{sum(1 for b in everyone if b.invited_at is not None)} invited to tender"
        )
    if sealed:
        state = f"sealed until {deadline}" if deadline else "sealed: no tender deadline set"
    else:
        state = f"{sum(1 for b in received if b.opened_at is not None)} opened"
    bids_text = (
        f"{len(received)} received ({sum(1 for b in received if b.late)} late, "
        f"{sum(1 for b in received if b.excluded)} excluded), {state}"
    )
    questions_text = (
        f"{len(asked)} asked, {sum(1 for c in asked if c.is_open)} open, "
        f"{sum(1 for c in asked if c.published_at is not None)} published"
    )
    return {
        "plan": plan_text,
        "bidders": bidders_text,
        "bids": bids_text,
        "questions": questions_text,
    }


# Bids


@bp.route("/bids")
@allow(*PROCUREMENT_READERS)
def index(reference: str) -> Any:
    written = kept_pages.token()  # before any data is read
    procurement = kit.procurement_or_404(reference)
    ntk.commercial_or_404(procurement, "see the bids")
    return kept_pages.page(written, lambda: _bids_page(procurement))


def _bids_page(procurement: Procurement) -> str:
    deadline = bids.tender_deadline(db.session, procurement)
    now = clock.now()
    received, withheld = need_to_know.without_withheld(
        db.session, current_user, procurement, bids.bids_of(db.session, procurement)
    )
    return render_template(
        "bidding/bids.html",
        procurement=procurement,
        bids=received,
        withheld=withheld,
        sealed=bidding.is_sealed(deadline, now),
        deadline=bids.deadline_text(deadline),
        unopened=sum(
            1 for b in received if b.opened_at is None and bids.still_sealed_reason(b) is None
        ),
        kept_sealed=sum(
            1 for b in received if b.opened_at is None and bids.still_sealed_reason(b) is not None
        ),
        can_manage=kit.runs(procurement),
        action=ActionForm(),
    )


class BidForm(WhenForm):
    bidder_id = SelectField(
        "Bidder",
        coerce=optional_int,
        widget=GovSelect(),
        validators=[InputRequired("Select the bidder")],
    )
    lot_id = SelectField("Lot", coerce=optional_int, widget=GovSelect())
    received_on = GovDateField(
        "Date received",
        invalid="Date received must be a real date",
        description="For example 3 3 2027. Leave the date and time blank to record it as received now.",
    )
    received_time = StringField(
        "Time received", description="For example 11:45", widget=GovTextInput()
    )
    submit = SubmitField("Record the bid", widget=GovSubmitInput())


@bp.route("/bids/new", methods=["GET", "POST"])
@allow(*kit.RUNNERS, per_object=True)
def new_bid(reference: str) -> Any:
    ntk.commercial_or_404(kit.procurement_or_404(reference), "record a bid")
    procurement = kit.run_by_me_or_403(reference)
    everyone = bidders.bidders_of(db.session, procurement)
    form = BidForm()
    form.bidder_id.choices = [("", "Select the bidder")] + [
        (b.id, b.name) for b in everyone if b.selection != "failed"
    ]
    if procurement.lots:
        form.lot_id.choices = [("", "Select the lot")] + [
            (lot.id, lot.title) for lot in procurement.lots
        ]
    else:
        del form.lot_id
    if form.validate_on_submit():
        try:
            when = form.instant(form.received_on, form.received_time)
        except ValueError:
            pass
        else:
            bidder = bidders.get_bidder(db.session, procurement, form.bidder_id.data or 0)
            lot = (
                db.session.get(Lot, form.lot_id.data)
                if procurement.lots and form.lot_id.data
                else None
            )
            if bidder is None:
                apply_errors(form, {"bidder_id": "Select the bidder"})
            else:
                done = kit.save(
                    form,
                    lambda: bids.record_bid(
                        db.session,
                        procurement,
                        bidder,
                        received_at=when,
                        lot=lot,
                        user=current_user,
                        now=clock.now(),
                    ),
                    message=lambda bid: (
                        f"Bid from {bidder.name} recorded."
                        + (
                            " It arrived after the tender deadline and is excluded unless you accept it."
                            if bid.late
                            else ""
                        )
                    ),
                    to=lambda bid: url_for("bids.show", reference=reference, bid_id=bid.id),
                    fields={"received_at": "received_on"},
                )
                if done is not None:
                    return done
    return render_form(
        procurement, form, "Record a bid received", url_for("bids.index", reference=reference)
    )


class BidDocumentForm(FlaskForm):
    file = FileField("Add a document to the bid", widget=GovFileInput())


def _bid_page(procurement: Procurement, bid: Bid, upload: BidDocumentForm | None = None) -> str:
    deadline = bids.tender_deadline(db.session, procurement)
    return render_template(
        "bidding/bid.html",
        procurement=procurement,
        bid=bid,
        sealed=bidding.is_sealed(deadline, clock.now()) or bid.opened_at is None,
        deadline=bids.deadline_text(deadline),
        price=bids.visible_price(bid),
        can_manage=kit.runs(procurement),
        max_size=bidding.format_size(_max_bytes()),
        upload=upload or BidDocumentForm(formdata=None),
        format_size=bidding.format_size,
    )


@bp.route("/bids/<int:bid_id>")
@allow(*PROCUREMENT_READERS)
def show(reference: str, bid_id: int) -> Any:
    procurement = kit.procurement_or_404(reference)
    return _bid_page(procurement, _bid_or_404(procurement, bid_id))


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason", widget=GovTextArea())
    submit = SubmitField("Save", widget=GovSubmitInput())


def _reason_journey(
    reference: str,
    bid_id: int,
    *,
    question: str,
    button: str,
    heading: str,
    record: Callable[[Bid, str], Any],
    done: str,
    intro: str = "",
) -> Any:
    """Ask for a reason about a bid, record it, and go back to the bid."""
    bid = _bid_or_404(
        kit.procurement_or_404(reference), bid_id, heading.format(bidder="a bidder").lower()
    )
    procurement = kit.run_by_me_or_403(reference)
    back = url_for("bids.show", reference=reference, bid_id=bid.id)
    form = ReasonForm()
    form.reason.label.text = question
    form.submit.label.text = button
    if form.validate_on_submit():
        saved = kit.save(
            form,
            lambda: record(bid, form.reason.data or ""),
            message=lambda _: done.format(bidder=bid.bidder.name),
            to=back,
        )
        if saved is not None:
            return saved
    return render_form(procurement, form, heading.format(bidder=bid.bidder.name), back, intro=intro)


@bp.route("/bids/<int:bid_id>/accept-late", methods=["GET", "POST"])
@allow(*kit.RUNNERS, per_object=True)
def accept_late(reference: str, bid_id: int) -> Any:
    return _reason_journey(
        reference,
        bid_id,
        question="Why is the late bid accepted?",
        button="Accept the late bid",
        heading="Accept the late bid from {bidder}",
        record=lambda bid, reason: bids.accept_late_bid(db.session, bid, reason),
        done="The late bid from {bidder} is accepted into evaluation.",
        intro="A late bid is excluded unless a justified acceptance is recorded, "
        "for example a failure of the council's own portal.",
    )


@bp.route("/bids/<int:bid_id>/exclude", methods=["GET", "POST"])
@allow(*kit.RUNNERS, per_object=True)
def exclude(reference: str, bid_id: int) -> Any:
    return _reason_journey(
        reference,
        bid_id,
        question="Why is the bid excluded?",
        button="Exclude the bid",
        heading="Exclude the bid from {bidder}",
        record=lambda bid, reason: bids.exclude_bid(db.session, bid, reason),
        done="The bid from {bidder} is excluded.",
    )


@bp.route("/bids/<int:bid_id>/reinstate", methods=["GET", "POST"])
@allow(*kit.RUNNERS, per_object=True)
def reinstate(reference: str, bid_id: int) -> Any:
    return _reason_journey(
        reference,
        bid_id,
        question="Why is the exclusion reversed?",
        button="Reverse the exclusion",
        heading="Reverse the exclusion of the bid from {bidder}",
        record=lambda bid, reason: bids.reinstate_bid(db.session, bid, reason),
        done="The bid from {bidder} is back in the competition.",
        intro="An excluded bid stays sealed. Reversing the exclusion, with the reason, lets it "
        "be opened with the others.",
    )


class ExtendForm(FlaskForm):
    new_deadline = GovDateField(
        "New tender deadline",
        invalid="New tender deadline must be a real date",
        description="Bids are due by 12pm on this day. For example 8 1 2027",
        validators=[InputRequired("Enter the new tender deadline")],
    )
    reason = TextAreaField(
        "Why is the deadline extended?",
        description="Every bidder reads this in the published clarifications",
        widget=GovTextArea(),
        validators=[InputRequired("Enter why the tender deadline is extended")],
    )
    submit = SubmitField("Extend the tender deadline", widget=GovSubmitInput())


@bp.route("/bids/extend-deadline", methods=["GET", "POST"])
@allow(*kit.RUNNERS, per_object=True)
def extend_deadline(reference: str) -> Any:
    procurement = kit.run_by_me_or_403(reference)
    back = url_for("bids.index", reference=reference)
    form = ExtendForm()
    if form.validate_on_submit():
        done = kit.save(
            form,
            lambda: timetable_service.extend_tender_deadline(
                db.session,
                procurement,
                form.new_deadline.data,
                form.reason.data or "",
                current_user,
                clock.now(),
            ),
            message=lambda _: (
                "The tender deadline is extended to "
                f"{bids.deadline_text(bids.tender_deadline(db.session, procurement))}, and every "
                "bidder is told in the published clarifications."
            ),
            to=back,
        )
        if done is not None:
            return done
    current = bids.deadline_text(bids.tender_deadline(db.session, procurement))
    return render_form(
        procurement,
        form,
        "Extend the tender deadline",
        back,
        intro=f"The tender deadline is {current}. It can be extended only before it passes, "
        "with a reason; the extension is logged and published to every bidder.",
    )


@bp.route("/bids/open", methods=["POST"])
@allow(*kit.RUNNERS, per_object=True)
def open_bids(reference: str) -> Any:
    ntk.commercial_or_404(kit.procurement_or_404(reference), "open the bids")
    procurement = kit.run_by_me_or_403(reference)
    if not ActionForm().validate_on_submit():
        abort(400)
    # A sealed bid's refusal is kept in the audit log: the unit commits it (SealedBid).
    return kit.act(
        lambda: bids.open_bids(db.session, procurement, current_user, clock.now()),
        message=lambda count: f"{count} bid{'s' if count != 1 else ''} opened.",
        to=url_for("bids.index", reference=reference),
    )


class PriceForm(FlaskForm):
    price = MoneyField(
        "Evaluated price",
        missing="Enter the bid's price",
        description="The whole-life price in pounds, as the bid states it",
        widget=GovTextInput(),
    )
    hourly_rate = StringField("Hourly rate (optional)", widget=GovTextInput())
    contact_hours = StringField(
        "Contact hours per person per week (optional)", widget=GovTextInput()
    )
    submit = SubmitField("Save the price", widget=GovSubmitInput())


@bp.route("/bids/<int:bid_id>/price", methods=["GET", "POST"])
@allow(*kit.RUNNERS, per_object=True)
def price(reference: str, bid_id: int) -> Any:
    bid = _bid_or_404(kit.procurement_or_404(reference), bid_id, "see the price of a bid")
    procurement = kit.run_by_me_or_403(reference)
    now = clock.now()
    _, sealed = kit.attempt(
        lambda: bids.refuse_if_sealed(
            db.session, procurement, "see the price of a bid", "bids", bid.id, now
        )
    )
    if sealed is not None:
        flash(str(sealed), "error")
        return redirect(url_for("bids.show", reference=reference, bid_id=bid.id))
    form = PriceForm()
    if request.method == "GET" and bid.price is not None:
        form.price.data = str(bid.price)
    if form.validate_on_submit():
        errors: dict[str, str] = {}
        extra = {}
        for name in ("hourly_rate", "contact_hours"):
            text = (getattr(form, name).data or "").strip()
            try:
                extra[name] = parse_money(text) if text else None
            except ValueError as exc:
                errors[name] = str(exc)
        if not errors:
            done = kit.save(
                form,
                lambda: bids.record_price(
                    db.session,
                    bid,
                    form.price.amount,
                    extra["hourly_rate"],
                    extra["contact_hours"],
                    now,
                ),
                message=f"Price recorded for {bid.bidder.name}.",
                to=url_for("bids.show", reference=reference, bid_id=bid.id),
                fields={"": "price"},
            )
            if done is not None:
                return done
        apply_errors(form, errors)
    return render_form(
        procurement,
        form,
        f"Price of the bid from {bid.bidder.name}",
        url_for("bids.show", reference=reference, bid_id=bid.id),
    )


@bp.route("/bids/<int:bid_id>/documents", methods=["POST"])
@allow(*kit.RUNNERS, per_object=True)
def upload(reference: str, bid_id: int) -> Any:
    bid = _bid_or_404(kit.procurement_or_404(reference), bid_id, "add a document to a bid")
    procurement = kit.run_by_me_or_403(reference)
    form = BidDocumentForm()
    if not form.validate_on_submit():
        abort(400)
    upload_file = form.file.data
    if upload_file is None or not upload_file.filename:
        form.file.errors = ["Select a file to upload"]
    else:
        filename, limit = upload_file.filename, _max_bytes()
        content = upload_file.stream.read(limit + 1)
        _, refused = kit.attempt(
            lambda: bids.add_document(
                db.session,
                bid,
                filename=filename,
                content=content,
                upload_dir=_upload_dir(),
                max_bytes=limit,
                user=current_user,
                now=clock.now(),
            )
        )
        if refused is None:
            flash(f"{filename} has been added to the bid.", "success")
            return redirect(url_for("bids.show", reference=reference, bid_id=bid.id))
        form.file.errors = [refused.errors.get("file") or str(refused)]
    return _bid_page(procurement, bid, form), 400


@bp.route("/bids/<int:bid_id>/documents/<int:bid_document_id>")
@allow(*PROCUREMENT_READERS, per_object=True)
def document(reference: str, bid_id: int, bid_document_id: int) -> Any:
    procurement = kit.procurement_or_404(reference)
    bid = _bid_or_404(procurement, bid_id, "download a bid document")
    item = db.session.get(BidDocument, bid_document_id)
    if item is None or item.bid_id != bid.id:
        abort(404)
    try:
        with unit_of_work(db.session):
            data = bids.read_document(db.session, item, _upload_dir(), clock.now())
    except bids.SealedBid:  # its refusal is audited and kept; the answer is 403, not a message
        abort(403)
    return send_file(
        io.BytesIO(data),
        mimetype=item.content_type,
        as_attachment=True,
        download_name=item.original_filename,
    )
