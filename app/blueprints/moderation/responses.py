"""Owners answer a sign: an explanation with evidence (MOD-4) and, for FAKE, a lift request
on the public board "STOP lift requests" from 7 days after the sign was hung (MOD-3). Both
become review items on the sign; moderators replace it with AUTHENTIC, lift it or keep it.

Evidence is a re-encoded image or a checked PDF (``app.uploads.store_evidence_file``, private
folder, random names); only the owner and moderators are served it.
"""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.blueprints.boards import services as boards
from app.blueprints.complaints import held_evidence
from app.blueprints.moderation import queue, signs
from app.blueprints.moderation.enforcement import check_can_act
from app.blueprints.moderation.errors import ModerationError
from app.blueprints.moderation.sign_texts import (DEFAULT_REASONS, REASON_TEMPLATES,
                                                  SIGN_LABELS)
from app.extensions import db
from app.i18n import Counts, format_datetime
from app.models import EvidenceFile, Explanation, LiftRequest, ReviewItem, StopSign
from app.notifications import notify_about
from app.uploads import UploadRejected, check_evidence_file
from app.uploads import pdf_path, store_evidence_file  # noqa: F401 (pdf_path: sign_views)

LIFT_AFTER = timedelta(days=7)
#: After moderators refuse a lift request (keep the sign, or an expert verdict), the owner may
#: post a new one about the same item only this long after the refusal: each request is a
#: public post, and new evidence can reach the moderators sooner as an explanation (MOD-4).
ASK_AGAIN_AFTER = timedelta(days=30)
#: The queue decisions that refuse a lift request.
REFUSALS = ("keep", "expert")
MAX_FILES = 5
PRIVATE = "private"


def _check_owner(sign, user):
    if sign.owner_id != user.id:
        raise ModerationError(_l("Only the owner of the item can answer this sign."))
    if sign.ended_at is not None:
        raise ModerationError(_l("This sign is no longer up."))


def _clean_body(body, low, high):
    body = (body or "").strip()
    if not low <= len(body) <= high:
        raise ModerationError(Counts(_l("Write %(low)d to %(high)d characters."), low=low,
                                     high=high), field="body")
    return body


def _store(name, data):
    """Store one evidence file as an image or a PDF; returns ``(key, media)``."""
    return store_evidence_file(data, session=db.session)


def submit_explanation(sign, author, body, files=(), *, held=(), now):
    """The owner disagrees with ``sign`` and says why, with evidence files ``[(name, bytes)]``
    and those ``held`` from an earlier, refused try of the form (rows of
    ``complaints.held_evidence``, which keeps them as it does a complaint's) (MOD-4). Raises
    :class:`ModerationError` or ``UploadRejected``."""
    _check_owner(sign, author)
    check_can_act(author, now)  # ACC-5
    body = _clean_body(body, 10, 5000)
    files = [(name, data) for name, data in files if data]
    if len(files) + len(held) > MAX_FILES:
        raise ModerationError(_l("Send at most %(n)d files.", n=MAX_FILES), field="files")
    _refuse_by_name(files)
    explanation = Explanation(sign_id=sign.id, author_id=author.id, body=body, created_at=now)
    db.session.add(explanation)
    db.session.flush()
    if not held_evidence.claim(held):
        raise ModerationError(_l("The files kept from your last try were sent with another "
                                 "form a moment ago: please choose them again."), field="files")
    stored = [(row.original_name, row.key, row.media) for row in held]
    stored += [(name, *_store(name, data)) for name, data in files]
    for name, key, media in stored:
        db.session.add(EvidenceFile(explanation_id=explanation.id, key=key, media=media,
                                    original_name=(name or "")[:200], created_at=now))
    db.session.flush()
    queue.open_item("explanation", "sign", sign.id, now=now, subject_user_id=author.id,
                    source_id=explanation.id, summary=body[:300])
    return explanation


def _refuse_by_name(files):
    """Raise ``UploadRejected`` naming every file of ``files`` evidence would not take (a
    program, a page, a damaged PDF), before any is stored: with two files chosen, the owner
    learns which one to replace instead of a message that names none."""
    problems = []
    for name, data in files:
        try:
            check_evidence_file(data)
        except UploadRejected as error:
            problems.append(str(_l("%(name)s: %(reason)s", name=(name or "?")[:100],
                                   reason=error.message)))
    if problems:
        raise UploadRejected(" ".join(problems))


def explanations_sent(signs_):
    """``{sign id: (when the owner last explained, whether the moderators have yet to
    decide)}`` for the signs ``signs_`` that have an explanation (MOD-4), in two queries: the
    owner's record says what they already sent."""
    ids = [s.id for s in signs_]
    if not ids:
        return {}
    latest = dict(db.session.execute(
        select(Explanation.sign_id, func.max(Explanation.created_at))
        .where(Explanation.sign_id.in_(ids)).group_by(Explanation.sign_id)).all())
    waiting = set(db.session.scalars(select(ReviewItem.target_id).where(
        ReviewItem.kind == "explanation", ReviewItem.target_type == "sign",
        ReviewItem.status == "open", ReviewItem.target_id.in_(ids))))
    return {sign_id: (when, sign_id in waiting) for sign_id, when in latest.items()}


def _refused_at(pairs):
    """``{(target_type, target_id): when a lift request about that item was last refused}``
    for the items ``pairs``, in one query."""
    pairs = set(pairs)
    if not pairs:
        return {}
    types = {t for t, _i in pairs}
    ids = {i for _t, i in pairs}
    rows = db.session.execute(
        select(StopSign.target_type, StopSign.target_id, func.max(ReviewItem.decided_at))
        .join(StopSign, StopSign.id == ReviewItem.target_id)
        .where(ReviewItem.kind == "lift_request", ReviewItem.target_type == "sign",
               ReviewItem.status == "done", ReviewItem.decision.in_(REFUSALS),
               StopSign.target_type.in_(types), StopSign.target_id.in_(ids))
        .group_by(StopSign.target_type, StopSign.target_id)).all()
    return {(t, i): when for t, i, when in rows if (t, i) in pairs}


def _possible_at(sign, refused_at):
    first = sign.hung_at + LIFT_AFTER
    if refused_at is None:
        return first
    return max(first, refused_at + ASK_AGAIN_AFTER)


def lift_possible_at(sign):
    """When the owner may ask to lift a FAKE sign: 7 days after it was hung (MOD-3), and
    :data:`ASK_AGAIN_AFTER` after a refused request about the same item."""
    key = (sign.target_type, sign.target_id)
    return _possible_at(sign, _refused_at([key]).get(key))


def lift_dates(signs_):
    """``{sign id: when a lift request is possible}`` for many signs, in one query."""
    refused = _refused_at((s.target_type, s.target_id) for s in signs_)
    return {s.id: _possible_at(s, refused.get((s.target_type, s.target_id)))
            for s in signs_}


def lift_refusal(sign, now):
    """Why a lift request on ``sign`` is not possible now, or None (MOD-3)."""
    if sign.kind != signs.FAKE:
        return _l("Only a FAKE sign is lifted on request; for this sign, send an explanation.")
    if sign.decision_basis == "expert":
        return _l("This FAKE sign rests on the verdict of %(body)s, which prevails: it is not "
                  "lifted on request. If the expert body has given a new verdict, send it in an "
                  "explanation.", body=sign.expert_body)
    if not sign.liftable_on_request:
        return _l("This FAKE sign rests on the site's final decision: it is not lifted on "
                  "request. If you have new evidence, send it in an explanation.")
    if queue.open_item_for("lift_request", "sign", sign.id) is not None:
        return _l("Your lift request is already waiting for the moderators.")
    key = (sign.target_type, sign.target_id)
    refused_at = _refused_at([key]).get(key)
    possible_at = _possible_at(sign, refused_at)
    if now >= possible_at:
        return None
    if refused_at is not None and possible_at > sign.hung_at + LIFT_AFTER:
        return _l("The moderators refused your last lift request on this item on %(refused)s. "
                  "You may ask again from %(date)s (Bangkok time). If you have new evidence "
                  "before then, send it as an explanation.",
                  refused=format_datetime(refused_at), date=format_datetime(possible_at))
    return _l("A lift request is possible from %(date)s (Bangkok time), 7 days after the "
              "sign was hung.", date=format_datetime(possible_at))


def file_lift_request(sign, author, body, *, now):
    """The owner asks to lift a FAKE sign on the board "STOP lift requests" (MOD-3)."""
    # The sign locked and read as it is now: a request sent twice at once waits for the first
    # and is refused as waiting, instead of two public posts for one queue item (PostgreSQL).
    db.session.refresh(sign, with_for_update=True)
    _check_owner(sign, author)
    check_can_act(author, now)  # ACC-5
    refusal = lift_refusal(sign, now)
    if refusal is not None:
        raise ModerationError(refusal)
    body = _clean_body(body, 10, 3000)
    item, _owner = signs.load_target(sign.target_type, sign.target_id, deleted_ok=True)
    post = boards.post("lift-requests", item.title, body, author=author,
                       target_type=sign.target_type, target_id=sign.target_id,
                       sign_id=sign.id, now=now)
    request = LiftRequest(sign_id=sign.id, author_id=author.id, board_post_id=post.id,
                          body=body, created_at=now)
    db.session.add(request)
    db.session.flush()
    queue.open_item("lift_request", "sign", sign.id, now=now, subject_user_id=author.id,
                    source_id=request.id, summary=body[:300])
    return request


def _sign_of(item):
    sign = db.session.get(StopSign, item.target_id)
    if sign is None or sign.ended_at is not None:
        raise ModerationError(_l("This sign is no longer up."))
    return sign


def _reason(form, default):
    return (form.get("reason") or "").strip() or str(default)


def _record(item, decision):
    if item.kind == "lift_request" and item.source_id:
        request = db.session.get(LiftRequest, item.source_id)
        if request is not None:
            request.decision = decision


def _authentic(item, moderator, form, *, now, ip=""):
    sign = _sign_of(item)
    reason = _reason(form, REASON_TEMPLATES["authentic"][0])
    queue.close_item(item, moderator, "authentic", queue.typed_note(form), now=now, ip=ip)
    _record(item, "authentic")
    signs.hang_sign(sign.target_type, sign.target_id, signs.AUTHENTIC, moderator, reason,
                    now=now, ip=ip, decision_basis=form.get("decision_basis", ""),
                    expert_body=form.get("expert_body", ""),
                    expert_verdict=form.get("expert_verdict", ""))
    return reason


def _lift(item, moderator, form, *, now, ip=""):
    sign = _sign_of(item)
    reason = _reason(form, DEFAULT_REASONS["lift"])
    queue.close_item(item, moderator, "lift", queue.typed_note(form), now=now, ip=ip)
    _record(item, "lifted")
    signs.end_sign(sign, moderator, reason, now=now, ip=ip,
                   decision_basis=form.get("decision_basis", ""))
    return reason


def _keep(item, moderator, form, *, now, ip=""):
    sign = _sign_of(item)
    reason = _reason(form, DEFAULT_REASONS["keep"])
    _record(item, "kept")
    target, _owner = signs.load_target(sign.target_type, sign.target_id, deleted_ok=True)
    notify_about(sign.owner, "response_decided", target_type="sign", target_id=sign.id,
                 facts={"response": item.kind, "title": target.title, "note": reason},
                 now=now)
    return reason


def _expert(item, moderator, form, *, now, ip=""):
    """MOD-5: moderators could not decide; the outside expert body's verdict sets the sign
    (or takes it down), and it prevails over later moderators' own findings."""
    sign = _sign_of(item)
    kind = form.get("sign") or ""
    body = " ".join((form.get("expert_body") or "").split())
    verdict = (form.get("expert_verdict") or "").strip()
    if kind != "none" and kind not in SIGN_LABELS:
        raise ModerationError(_l("Choose the sign the expert verdict leads to."))
    if not (body and verdict):
        raise ModerationError(_l("Name the expert body and write down its verdict."))
    reason = (form.get("reason") or "").strip() or f"{body}: {verdict}"
    queue.close_item(item, moderator, "expert", reason, now=now, ip=ip)
    _record(item, "expert")
    if kind == "none":
        signs.end_sign(sign, moderator, reason, now=now, ip=ip, decision_basis="expert")
    else:
        signs.hang_sign(sign.target_type, sign.target_id, kind, moderator, reason, now=now,
                        ip=ip, decision_basis="expert", expert_body=body,
                        expert_verdict=verdict)
    return reason


EXPERT_CHOICES = [("none", _l("No sign"))] + list(SIGN_LABELS.items())

for _kind in ("explanation", "lift_request"):
    queue.register_action(_kind, queue.Action(
        "authentic", _l("Replace with AUTHENTIC"), _authentic, fields=("reason",), key="a",
        style="primary"))
    queue.register_action(_kind, queue.Action(
        "lift", _l("Lift the sign"), _lift, fields=("reason",), key="l"))
    queue.register_action(_kind, queue.Action(
        "keep", _l("Keep the sign"), _keep, fields=("reason",), key="p"))
    queue.register_action(_kind, queue.Action(
        "expert", _l("Record the expert verdict (prevails)"), _expert,
        fields=("sign", "expert_body", "expert_verdict"), key="e",
        extra={"choices": {"sign": EXPERT_CHOICES},
               "labels": {"expert_body": _l("Expert body"),
                          "expert_verdict": _l("Its verdict")}}))
