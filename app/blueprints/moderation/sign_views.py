"""Sign pages: moderators hang, replace and end signs from the item pages (MOD-1, MOD-2,
MOD-5, MOD-6); owners explain (MOD-4), ask to lift (MOD-3) and ask for their auction rights
back (AUC-4); every member sees their own record of signs and strikes."""
from flask import (abort, flash, make_response, redirect, render_template, request, send_file,
                   url_for)
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.blueprints.accounts.errors import AccountError
from app.blueprints.accounts.views import show_error
from app.blueprints.moderation import bp, responses, signs, strikes
from app.blueprints.shops import listing_services
from app.blueprints.moderation.sign_forms import (EndSignForm, ExplanationForm, LiftForm,
                                                  ReinstatementForm, SignForm)
from app.blueprints.moderation.sign_texts import (DECISION_BASIS_LABELS, REASON_TEMPLATES,
                                                  SIGN_LABELS, SIGN_MEANINGS, SIGN_STOPS_BIDS,
                                                  owner_can)
from sqlalchemy import select

from app.database import utcnow
from app.extensions import db
from app.forms import uploaded_files
from app.htmx import render_page_or_fragment, wants_fragment
from app.models import EvidenceFile, Explanation, StopSign
from app.notifications import register_link
from app.permissions import can_moderate, require
from app.uploads import UploadRejected, send_image


def _ip():
    return (request.remote_addr or "")[:45]


def new_sign_form(target_type, item, kind=None, template=0, typed=None):
    """The sign form for ``item`` with the kind's reason template ``template`` filled in.
    ``typed`` holds what the moderator had typed when the box is drawn again for another kind
    or template: the basis fields are kept, and so is a reason of their own (one that is not
    a template's text); only an empty or untouched reason takes the template."""
    form = SignForm(formdata=None)
    current = getattr(item, "stop_sign", None)
    form.kind.data = kind if kind in SIGN_LABELS else ("fake" if current == "under_review"
                                                       else "under_review")
    templates = REASON_TEMPLATES[form.kind.data]
    form.template_index = template if 0 <= template < len(templates) else 0
    form.reason.data = str(templates[form.template_index])
    typed = typed or {}
    own_reason = (typed.get("reason") or "").strip()
    if own_reason and own_reason not in _template_texts():
        form.reason.data = typed["reason"]
    for name in ("decision_basis", "expert_body", "expert_verdict"):
        if typed.get(name):
            form[name].data = typed[name]
    return form


def _template_texts():
    """Every reason template's text, in the reader's language."""
    return {str(text).strip() for texts in REASON_TEMPLATES.values() for text in texts}


@bp.app_template_global("current_sign")
def current_sign_global(target_type, target_id):
    """The sign up on an item, for its page (templates ask only when ``stop_sign`` is set)."""
    return signs.current_sign(target_type, target_id)


@bp.app_context_processor
def sign_words():
    """The signs' names, meanings and reason templates for every template."""
    return dict(sign_labels=SIGN_LABELS, sign_meanings=SIGN_MEANINGS, sign_owner_can=owner_can,
                sign_stops_bids=SIGN_STOPS_BIDS,
                reason_templates=REASON_TEMPLATES, decision_basis_labels=DECISION_BASIS_LABELS,
                new_sign_form=new_sign_form, lift_possible_at=responses.lift_possible_at,
                utcnow=utcnow,
                new_end_form=lambda: EndSignForm(formdata=None, prefix="end"),
                listing_edit_refusal=listing_services.edit_refusal)


def _box(target_type, target_id, form, status=200):
    item, _owner = signs.load_target(target_type, target_id)
    context = dict(form=form, item=item, target_type=target_type,
                   sign=signs.current_sign(target_type, target_id),
                   end_form=EndSignForm(formdata=None, prefix="end"))
    return render_page_or_fragment("moderation/sign_form.html", "moderation/_sign_form.html",
                                   http_status=status, **context)


def _done(target_type, target_id, message):
    """After a change: back to the item (a full reload under htmx, so every part shows it)."""
    flash(message, "success")
    target = signs.item_url(target_type, target_id)
    if wants_fragment():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


@bp.route("/signs/<any(listing, auction):target_type>/<int:target_id>",
          methods=["GET", "POST"])
@require(can_moderate)
def sign_box(target_type, target_id):
    """The moderator's sign form for an item; a change of kind re-renders it with that kind's
    reason; posting hangs the sign, replacing the current one (MOD-2)."""
    try:
        item, _owner = signs.load_target(target_type, target_id)
    except AccountError:
        abort(404)
    if request.method == "GET":
        form = new_sign_form(target_type, item, request.args.get("kind"),
                             request.args.get("template", 0, type=int), typed=request.args)
        return _box(target_type, target_id, form)
    form = SignForm()
    if form.validate_on_submit():
        try:
            signs.hang_sign(target_type, target_id, form.kind.data, current_user,
                            form.reason.data, now=utcnow(), ip=_ip(),
                            decision_basis=form.decision_basis.data or "",
                            expert_body=form.expert_body.data or "",
                            expert_verdict=form.expert_verdict.data or "")
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            return _done(target_type, target_id,
                         _l("The %(sign)s sign is up.", sign=SIGN_LABELS[form.kind.data]))
    return _box(target_type, target_id, form, 422)


@bp.route("/signs/<int:sign_id>/end", methods=["POST"])
@require(can_moderate)
def end_sign(sign_id):
    """Take a sign down with nothing in its place."""
    sign = db.get_or_404(StopSign, sign_id)
    form = EndSignForm(prefix="end")
    if form.validate_on_submit():
        try:
            signs.end_sign(sign, current_user, form.reason.data, now=utcnow(), ip=_ip(),
                           decision_basis=form.decision_basis.data or "")
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            return _done(sign.target_type, sign.target_id, _l("The sign has been taken down."))
    item, _owner = signs.load_target(sign.target_type, sign.target_id)
    return render_page_or_fragment(
        "moderation/sign_form.html", "moderation/_sign_form.html", http_status=422,
        form=new_sign_form(sign.target_type, item), item=item, target_type=sign.target_type,
        sign=signs.current_sign(sign.target_type, sign.target_id), end_form=form)


def _own_sign(sign_id):
    sign = db.get_or_404(StopSign, sign_id)
    if sign.owner_id != current_user.id:
        abort(403)
    return sign


def _respond_page(template, sign, form, status=200, kept=()):
    """The explanation or lift-request page; a suspended owner (who may file neither: ACC-5)
    is told so in place of a form the service would refuse after it was filled in."""
    from app.blueprints.moderation.enforcement import suspension_refusal

    item, _owner = signs.load_target(sign.target_type, sign.target_id, deleted_ok=True)
    now = utcnow()
    suspended = suspension_refusal(current_user, now)
    return render_template(template, sign=sign, item=item, form=form, now=now,
                           item_url=signs.item_url(sign.target_type, sign.target_id),
                           lift_refusal=responses.lift_refusal(sign, now),
                           suspended=suspended, held=kept,
                           # the page's notice stands in for the banner (ACC-5)
                           cannot_act=suspended if sign.ended_at is None else None), status


@bp.route("/signs/<int:sign_id>/explain", methods=["GET", "POST"])
@login_required
def explain(sign_id):
    """The owner disagrees and explains, with evidence files (MOD-4)."""
    # The evidence files of a refused try are held and offered again, as a complaint's are.
    from app.blueprints.complaints.evidence import chosen
    from app.blueprints.complaints.intake_views import (kept_files, name_refused_files,
                                                        offer_files_again)
    from app.blueprints.moderation.enforcement import suspension_refusal

    sign = _own_sign(sign_id)
    form = ExplanationForm()
    files = chosen(uploaded_files(form.files)) if form.is_submitted() else []
    if form.validate_on_submit():
        try:
            responses.submit_explanation(sign, current_user, form.body.data, files,
                                         held=kept_files(), now=utcnow())
            db.session.commit()
        except UploadRejected as error:
            db.session.rollback()
            form.files.errors = [str(error.message)]
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_l("Your explanation has been sent to the moderators."), "success")
            return redirect(url_for("moderation.my_record"))
    kept = []
    # (a suspended owner is shown no form to offer files back in: none are held for them)
    if form.is_submitted() and sign.ended_at is None and \
            suspension_refusal(current_user, utcnow()) is None:
        name_refused_files(form, files)
        kept = offer_files_again(files)
    return _respond_page("moderation/explain.html", sign, form,
                         422 if form.is_submitted() else 200, kept)


@bp.route("/signs/<int:sign_id>/lift", methods=["GET", "POST"])
@login_required
def lift(sign_id):
    """The owner asks, on the public board, for a FAKE sign to be lifted (MOD-3)."""
    sign = _own_sign(sign_id)
    form = LiftForm()
    if form.validate_on_submit():
        try:
            responses.file_lift_request(sign, current_user, form.body.data, now=utcnow())
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_l("Your lift request is posted on the board and sent to the moderators."),
                  "success")
            return redirect(url_for("moderation.my_record"))
    return _respond_page("moderation/lift.html", sign, form,
                         422 if form.is_submitted() else 200)


@bp.route("/evidence/<key>")
@bp.route("/evidence/<key>/<any(thumb, large):size>.jpg")
@login_required
def evidence(key, size="large"):
    """An evidence file, to the owner who sent it and to moderators only (404 to others)."""
    if not key.isalnum() or len(key) > 64:
        abort(404)
    entry = db.session.scalar(select(EvidenceFile).where(EvidenceFile.key == key))
    if entry is None:
        abort(404)
    explanation = db.session.get(Explanation, entry.explanation_id)
    if not (can_moderate(current_user) or explanation.author_id == current_user.id
            or explanation.sign.owner_id == current_user.id):
        abort(404)
    if entry.media == "image":
        return send_image(entry.key, size, kind=responses.PRIVATE)
    path = responses.pdf_path(entry.key)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="application/pdf", as_attachment=True,
                         download_name=f"evidence-{entry.id}.pdf")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/reinstatement", methods=["GET", "POST"])
@login_required
def reinstatement():
    """A member whose auction rights were suspended asks for them back (AUC-4)."""
    form = ReinstatementForm()
    if form.validate_on_submit():
        try:
            strikes.request_reinstatement(current_user, form.body.data, now=utcnow())
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_l("Your request has been sent to the moderators."), "success")
            return redirect(url_for("moderation.my_record"))
    from app.blueprints.moderation.enforcement import suspension_refusal
    from app.blueprints.moderation.queue import open_item_for

    status = 422 if form.is_submitted() else 200
    suspended = suspension_refusal(current_user, utcnow())
    # A request already waiting: the page says so instead of a form the service refuses
    # only after it was filled in.
    pending = (current_user.auction_rights == "suspended"
               and open_item_for("reinstatement", "user", current_user.id) is not None)
    return render_template("moderation/reinstatement.html", form=form,
                           strikes=strikes.strike_count(current_user.id),
                           suspended=suspended, pending=pending,
                           cannot_act=suspended if current_user.auction_rights == "suspended"
                           else None), status


@bp.route("/me")
@login_required
def my_record():
    """A member's own strikes and the signs on their items, with what they can do (AUC-4)."""
    own_signs = signs.signs_of_owner(current_user.id)
    pending = None
    if current_user.auction_rights == "suspended":
        from app.blueprints.moderation.queue import open_item_for

        pending = open_item_for("reinstatement", "user", current_user.id)
    return render_template("moderation/my_record.html", signs=own_signs,
                           titles=signs.item_titles(own_signs),
                           lift_dates=responses.lift_dates(
                               [s for s in own_signs if s.kind == "fake" and not s.ended_at]),
                           explained=responses.explanations_sent(own_signs),
                           strikes=strikes.strikes_of(current_user.id),
                           strike_count=strikes.strike_count(current_user.id),
                           pending=pending, now=utcnow())


def _sign_link(sign_id, external=False):
    sign = db.session.get(StopSign, sign_id)
    if sign is None:
        return None
    return signs.item_url(sign.target_type, sign.target_id, external=external)


def _record_link(_target_id, external=False):
    if external:
        from app.urls import external_url

        return external_url("moderation.my_record")
    return url_for("moderation.my_record")


register_link("sign", _sign_link)
register_link("strike", _record_link)
