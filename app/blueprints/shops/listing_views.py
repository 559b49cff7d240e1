"""Listing pages: post, show, edit, sell out, pause and resume, delete (the photos:
photo_views)."""
from dataclasses import dataclass, field

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app import held_photos
from app.blueprints.accounts.errors import AccountError
from app.blueprints.accounts.views import show_error
from app.blueprints.shops import (
    activity, bp, listing_services, order_services, pausing, plans, resent_changes,
    watch_services)
from app.blueprints.shops.categories import grouped_choices
from app.blueprints.shops.errors import AlreadyPosted
from app.blueprints.shops.forms import CONDITION_LABELS, RATING_LABELS, ListingForm, PhotoForm
from app.blueprints.shops.shop_views import shop_by_slug, suspension_refusal
from app.blueprints.shops.visibility import visible_listings
from app.database import begin_immediate, utcnow
from app.extensions import db
from app.forms import EmptyForm
from app.i18n import current_language, format_baht
from app.models import Listing
from app.notifications import register_link
from app.money import (
    MAX_BAHT, TOO_MANY_DECIMALS, AmountTooLarge, TooManyDecimals, parse_baht, satang_to_input)
from app.net import client_ip
from app.permissions import can_manage_listings, can_moderate, works_for_shop
from app.uploads import UploadRejected, name_refused_choices, store_chosen_image, store_image
from app.urls import external_url, safe_next


def category_choices():
    """The category tree as grouped choices in the page's language."""
    return [SelectChoice(0, _l("Choose a category"))] + grouped_choices(current_language())


def visible_listing_or_404(listing_id):
    """The listing if this visitor may see it (RANK-1, ACC-3), else 404 as if absent."""
    listing = db.session.scalar(select(Listing).where(
        Listing.id == listing_id, visible_listings(current_user, utcnow())))
    if listing is None:
        abort(404)
    return listing


def managed_listing_or_403(listing_id):
    """The listing if the current member manages its shop: 403 for a listing they may see but
    not manage, 404 for one they may not see (a held or hidden listing does not exist for
    them, as on its page; nor does an 18+ one for an under-18 member of its staff: ACC-3)."""
    listing = visible_listing_or_404(listing_id)  # (an 18+ one to an under-18 staff member)
    if not can_manage_listings(current_user, listing.shop):
        abort(403)
    return listing


def _form_values(form):
    """What the form says, in the service's terms; a bad price is put on the form."""
    try:
        price = parse_baht(form.price.data)
    except ValueError:
        price = None
    try:
        quantity_was = int(form.quantity_was.data)
    except (TypeError, ValueError):
        quantity_was = None
    return dict(title=form.title.data, description=form.description.data,
                quantity_was=quantity_was, category_id=form.category_id.data, price_satang=price,
                quantity=form.quantity.data, condition=form.condition.data,
                content_rating=form.content_rating.data,
                certificate_issuer=form.certificate_issuer.data,
                certificate_number=form.certificate_number.data)


@dataclass
class Kept:
    """Photos held from an earlier, refused try of the form (:mod:`app.held_photos`): the
    held rows its ticked boxes keep, or, on a refused form, what it offers again. ``ticked``:
    whether the form offers them ticked (a refused try's) or for the seller to tick (those a
    listing sent again brought, which it may have already: :func:`_sent_again`)."""

    certificate: list = field(default_factory=list)
    photos: list = field(default_factory=list)
    ticked: bool = True


def _ticked_photos():
    """The held photos the form's ticked boxes keep (none on a form not sent)."""
    if request.method != "POST":
        return Kept()
    now = utcnow()
    return Kept(held_photos.kept(current_user, held_photos.ticked(held_photos.CERTIFICATE, 1),
                                 now=now),
                held_photos.kept(current_user, held_photos.ticked(
                    held_photos.PHOTOS, held_photos.HOLD_PER_MEMBER), now=now))


def _keep_for_next_try(form):
    """A refused form: name the chosen files it would refuse, hold the others, and return
    what it offers again. A newly chosen certificate photo replaces a kept one."""
    name_refused_choices(form.certificate_photo, form.photos)
    now = utcnow()
    certificate = held_photos.offer_again(current_user, [], [form.certificate_photo.data],
                                          now=now)
    if not certificate:
        certificate = held_photos.offer_again(
            current_user, held_photos.ticked(held_photos.CERTIFICATE, 1), [], now=now)
    photos = held_photos.offer_again(
        current_user, held_photos.ticked(held_photos.PHOTOS, held_photos.HOLD_PER_MEMBER),
        form.photos.data or [], now=now)
    return Kept(certificate, photos)


def _store_uploads(form, listing, now, kept):
    """Store the certificate photo and the photos sent with the form, the photos ``kept``
    from an earlier try first (:class:`Kept`)."""
    certificate = form.certificate_photo.data
    if certificate:
        try:
            stored = store_image(certificate.read(), session=db.session)
        except UploadRejected as error:
            error.field = "certificate_photo"  # said under the certificate, not the photos
            raise
        listing.certificate_photo_key = stored.key
    elif kept.certificate:
        [held] = held_photos.take(kept.certificate, field="certificate_photo")
        listing.certificate_photo_key = held.key
    uploads = [upload for upload in form.photos.data or [] if upload and upload.filename]
    # (the kept ones counted too: ticked on the edit page, they may not all fit)
    listing_services.check_photo_room(listing, len(kept.photos) + len(uploads))
    for held in held_photos.take(kept.photos):
        listing_services.add_photo(listing, held, now=now, by=current_user)
    for upload in uploads:
        stored = store_chosen_image(upload, session=db.session)
        listing_services.add_photo(listing, stored, now=now, by=current_user)


def _save(form, write, kept):
    """Check the price, call ``write(values, now)`` (which returns the listing), store the
    uploads (with those ``kept`` from an earlier try) and commit. Returns the listing, or None
    with the errors put on the form and nothing saved (files included)."""
    values = _form_values(form)
    if values["price_satang"] is None:
        _price_error(form)
        return None
    now = utcnow()
    try:
        listing = write(values, now)
        _store_uploads(form, listing, now, kept)
        db.session.commit()
    except AlreadyPosted:
        db.session.rollback()
        raise
    except UploadRejected as error:
        db.session.rollback()
        field = getattr(form, getattr(error, "field", None) or "photos")
        field.errors = [str(error.message)]
    except AccountError as error:
        db.session.rollback()
        show_error(form, error)
    else:
        return listing
    return None


def _price_error(form):
    """Say what is wrong with the price: not money, or more than any price may be."""
    try:
        parse_baht(form.price.data)
    except AmountTooLarge:
        message = _l("Please enter at most %(amount)s.", amount=format_baht(MAX_BAHT * 100))
    except TooManyDecimals:
        message = TOO_MANY_DECIMALS
    except ValueError:
        message = _l("Please enter the price in baht, for example 1500 or 1,500.50.")
    form.price.errors = list(form.price.errors) + [str(message)]


@bp.route("/shops/<slug>/listings/new", methods=["GET", "POST"])
@login_required
def new_listing(slug):
    """Post a listing (SHOP-3) with photos, within the plan (SHOP-2) and rules (SHOP-4)."""
    shop = shop_by_slug(slug)
    if not can_manage_listings(current_user, shop):
        abort(403)
    form = ListingForm()
    form.category_id.choices = category_choices()
    kept = _ticked_photos()
    if form.validate_on_submit():
        try:
            listing = _save(form, lambda values, now: listing_services.create_listing(
                shop, current_user, values, now=now), kept)
        except AlreadyPosted as error:  # Back, then the same form sent again (SHOP-3)
            return _sent_again(form, error)
        if listing is not None:
            if listing.status == "held":
                flash(_l("Your listing is waiting for a moderator because it may be "
                         "prohibited goods (%(groups)s). We will tell you the outcome.",
                         groups=listing_services.hold_groups(listing)), "info")
            else:
                flash(_l("Your listing is online."), "success")
            return redirect(url_for("shops.listing", listing_id=listing.id))
    if form.is_submitted():
        kept = _keep_for_next_try(form)
    status = 422 if form.is_submitted() else 200
    # SHOP-2: a shop at its plan's limit is told so before anything is typed or chosen.
    plan_full = None if form.is_submitted() else plans.listing_limit_refusal(shop)
    # ACC-5: a suspended member (or staff of a suspended owner) is told before typing.
    cannot_act = listing_services.shop_post_refusal(shop, current_user, utcnow())
    return render_template("shops/listing_form.html", form=form, shop=shop, listing=None,
                           plan_full=plan_full, cannot_act=cannot_act, kept=kept), status


def _sent_again(form, error):
    """The same listing sent again (Back, then send: SHOP-3) is not posted twice; the seller
    is led to the first. Photos this send carried (chosen after going Back, or held ones
    ticked) were not added to it (found in review: they went without a word): they are held
    as a refused form's are and offered, unticked, on its edit page, since the first send
    may have had the same ones, and the seller is told so. Fields it changed of the first
    (a corrected certificate number, say) are shown there too, ready to save
    (:mod:`~app.blueprints.shops.resent_changes`)."""
    listing = error.made
    now = utcnow()
    uploads = [upload for upload in form.photos.data or [] if upload and upload.filename]
    certificate = form.certificate_photo.data
    held = [held_photos.kept(current_user, held_photos.ticked(name, limit), now=now)
            for name, limit in ((held_photos.PHOTOS, held_photos.HOLD_PER_MEMBER),
                                (held_photos.CERTIFICATE, 1))]
    sent = len(uploads) + len(held[0]) + bool(getattr(certificate, "filename", "") or held[1])
    if not sent and not error.changed:
        flash(error.message, "info")
        return redirect(url_for("shops.listing", listing_id=listing.id))
    address = _photos_sent_again(form, sent) if sent else {}
    if error.changed:
        resent_changes.hold(listing, error.changed)
        flash(resent_changes.message(form, error.changed, after_photos=bool(sent)), "info")
    return redirect(url_for("shops.edit_listing", listing_id=listing.id, **address))


def _photos_sent_again(form, sent):
    """Hold the ``sent`` photos of a listing sent again (:func:`_sent_again`), tell the
    seller, and return the edit page's address arguments that name them."""
    kept = _keep_for_next_try(form)
    offered = len(kept.photos) + len(kept.certificate)
    if offered >= sent:
        message = _l("You posted this listing a moment ago, so it was not posted a second "
                     "time. The photos sent with the form this time were not added to it: "
                     "they are below, kept for a day. Tick those the listing does not have "
                     "yet and save to add them.")
    elif offered:
        message = _l("You posted this listing a moment ago, so it was not posted a second "
                     "time. The photos sent with the form this time were not added to it: "
                     "those that could be kept are below, for a day (tick those the listing "
                     "does not have yet and save to add them); please choose the others "
                     "again.")
    else:
        message = _l("You posted this listing a moment ago, so it was not posted a second "
                     "time. The photos sent with the form this time were not added to it, "
                     "and could not be kept: to add them, please choose them again on this "
                     "page.")
    flash(message, "info")
    return dict(kept_certificate=[photo.id for photo in kept.certificate],
                kept_photo=[photo.id for photo in kept.photos])


def _named_in_address():
    """The held photos the edit page's address names (:func:`_sent_again`), by box name."""
    return {name: held_photos.ticked(name, limit, request.args) for name, limit in (
        (held_photos.CERTIFICATE, 1), (held_photos.PHOTOS, held_photos.HOLD_PER_MEMBER))}


def _offered_by_address(kept):
    """The edit page led to from a listing sent again (:func:`_sent_again`): ``kept`` (those
    ticked on a refused try of it) and, unticked, the other held photos its address names
    (its form is sent to the same address, so a refused try drops none); only the member's
    own, while held. A new certificate photo chosen on a refused try replaces the held one."""
    now = utcnow()
    named = _named_in_address()

    def offered(name, already):
        ids = {photo.id for photo in already}
        return list(already) + [
            held_photos.Offered(row.id, row.original_name, ticked=False)
            for row in held_photos.kept(current_user, named[name], now=now) if row.id not in ids]

    return Kept(kept.certificate or offered(held_photos.CERTIFICATE, []),
                offered(held_photos.PHOTOS, kept.photos), ticked=False)


@bp.route("/listings/<int:listing_id>")
def listing(listing_id):
    """A listing's page."""
    listing = visible_listing_or_404(listing_id)
    can_manage = can_manage_listings(current_user, listing.shop)
    # Staff paused by the plan (SHOP-2) see the listing as buyers do, but may not buy from or
    # write to their own shop: no Buy or Contact button, and their views are not counted.
    works_here = can_manage or works_for_shop(current_user, listing.shop)
    response = make_response(render_template(
        "shops/listing.html", listing=listing, shop=listing.shop,
        condition_labels=CONDITION_LABELS, rating_labels=RATING_LABELS, can_manage=can_manage,
        works_here=works_here,
        open_order=None if works_here else order_services.buyers_open_order(
            listing, current_user, utcnow()),
        hold_groups=listing_services.hold_groups(listing) if listing.status == "held" else "",
        watching=watch_services.is_watching(current_user, listing)))
    if works_here or request.method != "GET":  # the shop's own views, HEAD: not counted
        return response
    return activity.count_view(
        response, listing.id, utcnow(),
        user_id=current_user.id if current_user.is_authenticated else None, ip=client_ip(),
        user_agent=request.user_agent.string)


@bp.route("/listings/<int:listing_id>/edit", methods=["GET", "POST"])
@login_required
def edit_listing(listing_id):
    """Change a listing; its photos are managed on the same page."""
    listing = managed_listing_or_403(listing_id)
    changed = {}
    if request.method == "GET":
        form = ListingForm(obj=listing, price=satang_to_input(listing.price_satang),
                           quantity_was=listing.quantity)
        changed = resent_changes.show(form, resent_changes.take(listing), listing,
                                      {"content_rating": RATING_LABELS})
    else:
        form = ListingForm()
    form.category_id.choices = category_choices()
    kept = _ticked_photos()
    if form.validate_on_submit():
        def update(values, now):
            listing_services.update_listing(listing, values, now=now, editor=current_user)
            return listing

        begin_immediate(db.session)  # a writer from the start: orders lock the listing too
        if _save(form, update, kept) is not None:
            flash(_l("Your changes have been saved."), "success")
            return redirect(url_for("shops.listing", listing_id=listing.id))
        _show_current_stock(form, db.session.get(Listing, listing_id).quantity)
    kept = _keep_for_next_try(form) if form.is_submitted() else Kept()
    if request.args:  # led here from a listing sent again, with the photos it brought
        kept = _offered_by_address(kept)
    status = 422 if form.is_submitted() else 200
    return render_template("shops/listing_form.html", form=form, shop=listing.shop,
                           listing=listing, photo_form=PhotoForm(formdata=None),
                           form_action=url_for("shops.edit_listing", listing_id=listing.id,
                                               **_named_in_address()),
                           cannot_act=suspension_refusal(current_user, utcnow()),
                           kept=kept, changed=changed), status


def _show_current_stock(form, current):
    """The edit form sent back with a problem shows the stock as it is now (orders placed
    meanwhile took some): the hidden count it was opened with, and the quantity too if the
    seller had left it alone, so sending it again never offers reserved items (SHOP-10)."""
    if form.quantity.data is not None and str(form.quantity.data) == form.quantity_was.data:
        form.quantity.data, form.quantity.raw_data = current, [str(current)]
    form.quantity_was.data = current


def _listing_action(listing_id, action, message):
    listing = managed_listing_or_403(listing_id)
    if EmptyForm().validate_on_submit():
        try:
            action(listing, now=utcnow())
            db.session.commit()
            flash(message, "success")
        except AccountError as error:
            db.session.rollback()
            flash(error.message, "error")
    return listing


@bp.route("/listings/<int:listing_id>/sold-out", methods=["GET", "POST"])
@login_required
def sold_out(listing_id):
    """Mark the listing sold out, after a confirmation page (GET) that says how many are
    available now: the quantity goes to 0, and the seller sets it again by editing. A POST
    without ``confirmed`` (an older page) is sent to that page; one the rules refuse (a
    hidden or FAKE listing) is refused at once."""
    listing = managed_listing_or_403(listing_id)
    if request.method == "GET":
        if listing.status != "active":
            return redirect(url_for("shops.listing", listing_id=listing.id))
        return render_template("shops/confirm_sold_out.html", listing=listing,
                               form=EmptyForm())
    if request.form.get("confirmed") != "yes" and listing.status == "active":
        if not EmptyForm().validate_on_submit():
            abort(400)
        return redirect(url_for("shops.sold_out", listing_id=listing.id), 303)
    quantity_was = listing.quantity
    listing = _listing_action(listing_id, listing_services.mark_sold_out, _l(
        "The listing is marked sold out. It had %(n)d available: to sell again, edit the "
        "listing and set the quantity.", n=quantity_was))
    return redirect(url_for("shops.listing", listing_id=listing.id))


bp.add_app_template_global(pausing.pause_refusal, "listing_pause_refusal")
bp.add_app_template_global(pausing.resume_refusal, "listing_resume_refusal")


def _pause_or_resume(listing_id, change, message):
    """Pause or resume (``change``) at once, no confirmation: either is undone by the other
    button, and nothing is lost in between. Back to the page the form was on (the listing's,
    or the shop's listing management)."""
    listing = managed_listing_or_403(listing_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        change(listing, current_user, now=utcnow())
        db.session.commit()
        flash(message(listing), "success")
    except AccountError as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(safe_next(request.form.get("next"),
                              url_for("shops.listing", listing_id=listing_id)), 303)


@bp.route("/listings/<int:listing_id>/pause", methods=["POST"])
@login_required
def pause(listing_id):
    """The shop takes a listing off sale for now (a holiday, a week without stock)."""
    return _pause_or_resume(listing_id, pausing.pause_listing, lambda listing: _l(
        "The listing is paused: buyers no longer find it and cannot order it. Its page, "
        "photos and reviews are kept. Resume it when you are ready to sell again."))


@bp.route("/listings/<int:listing_id>/resume", methods=["POST"])
@login_required
def resume(listing_id):
    """The shop puts a paused listing back on sale."""
    return _pause_or_resume(listing_id, pausing.resume_listing, _resumed_message)


def _resumed_message(listing):
    """What resuming did: on sale, shown as sold out, or still held or hidden by moderators."""
    if listing.status == "active":
        return _l("The listing is back on sale.")
    if listing.status == "sold_out":
        return _l("The listing is shown again, as sold out: to sell again, edit it and set "
                  "the quantity.")
    return _l("Your pause has ended, but the listing stays off show until the moderators "
              "publish it again.")


@bp.route("/listings/<int:listing_id>/delete", methods=["GET", "POST"])
@login_required
def delete(listing_id):
    """Delete the listing, after a confirmation page: it cannot be undone. The page is a GET
    (Back and reload work; found in review: it was the answer to a POST), its button POSTs
    with ``confirmed`` and the deletion redirects. A deletion the rules refuse (SHOP-7) is
    refused at once, with no confirmation."""
    listing = managed_listing_or_403(listing_id)
    refusal = listing_services.delete_refusal(listing)
    if request.method == "GET":
        if refusal is not None:
            flash(refusal, "error")
            return redirect(url_for("shops.listing", listing_id=listing.id))
        return render_template("shops/confirm_delete.html", listing=listing, form=EmptyForm(),
                               open_orders=order_services.open_orders_of(listing, utcnow()))
    if request.form.get("confirmed") != "yes" and refusal is None:
        if not EmptyForm().validate_on_submit():
            abort(400)
        return redirect(url_for("shops.delete", listing_id=listing.id), 303)
    listing = _listing_action(listing_id, listing_services.delete_listing,
                              _l("The listing has been deleted."))
    return redirect(url_for("shops.shop", slug=listing.shop.slug))


@bp.route("/listings/<int:listing_id>/content-rating", methods=["POST"])
@login_required
def change_rating(listing_id):
    """Moderators change a listing's content rating (RANK-1)."""
    if not can_moderate(current_user):
        abort(403)
    listing = db.get_or_404(Listing, listing_id)
    if EmptyForm().validate_on_submit():
        try:
            listing_services.set_content_rating(listing, request.form.get("content_rating", ""),
                                                now=utcnow(), moderator=current_user,
                                                ip=client_ip())
            db.session.commit()
            flash(_l("Who may see this listing has been changed."), "success")
        except AccountError as error:
            db.session.rollback()
            flash(error.message, "error")
    return redirect(url_for("shops.listing", listing_id=listing.id))


@bp.app_template_filter("hold_reason")
def hold_reason_filter(reason):
    """A held listing's stored reason in the reader's language (the moderators' queue)."""
    return listing_services.shown_hold_reason(reason)


def _listing_link(listing_id, external=False):
    """Notices about a listing lead to its page."""
    if external:
        return external_url("shops.listing", listing_id=listing_id)
    return url_for("shops.listing", listing_id=listing_id)


register_link("listing", _listing_link)
