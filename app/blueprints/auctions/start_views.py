"""Starting an auction (AUC-1, AUC-8): the form, its photos, and what the seller sees when
auction rights are suspended (AUC-4)."""
import re
from datetime import datetime, timezone

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app import held_photos
from app.blueprints.accounts.errors import AccountError
from app.blueprints.accounts.views import show_error, show_further_errors
from app.blueprints.auctions import bp, lifecycle
from app.blueprints.auctions.errors import AuctionError
from app.blueprints.auctions.forms import AuctionForm
from app.blueprints.shops.listing_views import category_choices
from app.database import utcnow
from app.devices import device_id
from app.digits import to_arabic
from app.extensions import db
from app.i18n import BANGKOK, christian_era_year, format_baht
from app.models import AuctionPhoto
from app.money import MAX_BAHT, TOO_MANY_DECIMALS, AmountTooLarge, TooManyDecimals, parse_baht
from app.net import client_ip
from app.uploads import UploadRejected, name_refused_choices, store_chosen_image

MAX_PHOTOS = 10
#: A datetime-local field's value ("2026-12-01T20:00"), or the same typed with a space.
LOCAL_TIME_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})", re.ASCII)


def parse_local_time(text):
    """A Bangkok wall-clock time from a datetime-local field, as UTC; None if empty.
    Thai digits and Buddhist-era years (2569) are understood (29 February 2567 BE too: 2024
    was a leap year)."""
    text = to_arabic((text or "").strip())
    if not text:
        return None
    match = LOCAL_TIME_RE.fullmatch(text)
    if match is None:
        raise ValueError(text)
    year, month, day, hour, minute = (int(part) for part in match.groups())
    try:
        moment = datetime(christian_era_year(year), month, day, hour, minute, tzinfo=BANGKOK)
        return moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):  # no such day, or the first hours of year 1
        raise ValueError(text) from None


def _money(form, name, required):
    field = getattr(form, name)
    if not (field.data or "").strip():
        if required:
            field.errors = list(field.errors) + [str(_l("This field is required."))]
            raise ValueError(name)
        return None
    try:
        return parse_baht(field.data)
    except AmountTooLarge:
        field.errors = list(field.errors) + [
            str(_l("Please enter at most %(amount)s.", amount=format_baht(MAX_BAHT * 100)))]
        raise
    except TooManyDecimals:
        field.errors = list(field.errors) + [str(TOO_MANY_DECIMALS)]
        raise
    except ValueError:
        field.errors = list(field.errors) + [
            str(_l("Please enter an amount in baht, for example 1500 or 1,500."))]
        raise


def _values(form):
    """The form in the service's terms, and whether every price and time could be read:
    ``(values, readable)``. What could not be read is None, its message put on the form."""
    readable = True
    values = dict(title=form.title.data, description=form.description.data,
                  category_id=form.category_id.data, duration_days=form.duration_days.data,
                  content_rating=form.content_rating.data)
    for name, key, required in (("starting_price", "starting_price_satang", True),
                                ("min_increment", "min_increment_satang", True),
                                ("reserve", "reserve_satang", False),
                                ("buy_now", "buy_now_satang", False)):
        try:
            values[key] = _money(form, name, required)
        except ValueError:
            values[key], readable = None, False
    for name in ("starts_at", "ends_at"):
        try:
            values[name] = parse_local_time(getattr(form, name).data)
        except ValueError:
            getattr(form, name).errors = list(getattr(form, name).errors) + [
                str(_l("Please give a date and time, for example 2569-12-01 20:00."))]
            values[name], readable = None, False
    return values, readable


def _store_photos(form, auction, now, kept):
    """The photos ``kept`` from an earlier try (held rows), then those chosen now."""
    uploads = [u for u in (form.photos.data or []) if u and u.filename]
    if len(kept) + len(uploads) > MAX_PHOTOS:
        raise AuctionError(_l("An auction has at most %(n)d photos.", n=MAX_PHOTOS),
                           field="photos")
    photos = held_photos.take(kept) + [store_chosen_image(upload, session=db.session)
                                       for upload in uploads]
    for position, stored in enumerate(photos):
        db.session.add(AuctionPhoto(auction_id=auction.id, position=position, key=stored.key,
                                    width=stored.width, height=stored.height, created_at=now))


def _ticked_photos():
    """The held photos the form's ticked boxes keep (none on a form not sent)."""
    if request.method != "POST":
        return []
    return held_photos.kept(current_user, held_photos.ticked(
        held_photos.PHOTOS, held_photos.HOLD_PER_MEMBER), now=utcnow())


def _keep_for_next_try(form):
    """A refused form: name the chosen photos it would refuse, hold the others, and return
    what it offers again with the ones kept before."""
    name_refused_choices(form.photos)
    return held_photos.offer_again(
        current_user, held_photos.ticked(held_photos.PHOTOS, held_photos.HOLD_PER_MEMBER),
        form.photos.data or [], now=utcnow())


def _tell_rule_problems(form, values):
    """The rules' problems with the fields the form's own checks passed (nothing is made)."""
    problems, _cleaned = lifecycle.auction_problems(values, utcnow(), current_user)
    db.session.rollback()  # (the checks only read)
    show_further_errors(form, problems)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_auction():
    """Start an auction: title, description, photos, prices, start and end (AUC-1)."""
    form = AuctionForm()
    form.category_id.choices = category_choices()
    refusal = lifecycle.start_refusal(current_user, utcnow())
    kept = _ticked_photos() if refusal is None else []
    shaped = form.validate_on_submit()
    if form.is_submitted() and refusal is None:
        # Every problem in one answer: the prices and times are read, and the rules checked,
        # whatever the form's own checks found.
        values, readable = _values(form)
        if not (shaped and readable):
            _tell_rule_problems(form, values)
            values = None
        if values is not None:
            now = utcnow()
            try:
                auction = lifecycle.create_auction(current_user, values, now=now,
                                                   ip=client_ip(), device=device_id())
                _store_photos(form, auction, now, kept)
                db.session.commit()
            except UploadRejected as error:
                db.session.rollback()
                form.photos.errors = [str(error.message)]
            except AccountError as error:
                db.session.rollback()
                show_error(form, error)
            else:
                flash(_l("Your auction is on the board.") if auction.starts_at <= now else
                      _l("Your auction is scheduled."), "success")
                return redirect(url_for("auctions.auction", auction_id=auction.id))
        kept = _keep_for_next_try(form)
    status = 422 if form.is_submitted() else 200
    # ACC-5: a suspension is told with its appeal state, as on every page that would post.
    from app.blueprints.moderation.errors import Suspended  # (loaded after auctions)

    cannot_act = refusal if isinstance(refusal, Suspended) else None
    return render_template("auctions/new.html", form=form, refusal=refusal,
                           cannot_act=cannot_act, kept=kept), status
