"""A listing's photos: add (each re-encoded, at most ten), reorder, remove; htmx swaps the
photo panel in place, and every form works without JavaScript too."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.blueprints.accounts.errors import AccountError
from app.blueprints.shops import bp, listing_services
from app.blueprints.shops.errors import SignBlocksEdit
from app.blueprints.shops.forms import PhotoForm
from app.blueprints.shops.listing_views import managed_listing_or_403
from app.database import utcnow
from app.extensions import db
from app.forms import EmptyForm
from app.htmx import render_page_or_fragment, wants_fragment
from app.models import Listing
from app.uploads import UploadRejected, store_chosen_image


def _photos_response(listing, form=None, status=200):
    return render_page_or_fragment(
        "shops/photos.html", "shops/_photos.html", http_status=status, listing=listing,
        photo_form=form or PhotoForm(formdata=None),
        # ACC-5: add_photo refuses a suspended member (and staff of a suspended owner).
        cannot_act=listing_services.shop_post_refusal(listing.shop, current_user, utcnow()))


@bp.route("/listings/<int:listing_id>/photos", methods=["GET", "POST"])
@login_required
def photos(listing_id):
    """Add photos (each re-encoded, at most ten); htmx swaps the photo panel in place."""
    listing = managed_listing_or_403(listing_id)
    form = PhotoForm()
    if request.method == "GET":
        return _photos_response(listing)
    if form.validate_on_submit():
        now = utcnow()
        uploads = [upload for upload in form.photos.data or [] if upload and upload.filename]
        try:
            listing_services.check_photo_room(listing, len(uploads))
            for upload in uploads:
                listing_services.add_photo(
                    listing, store_chosen_image(upload, session=db.session), now=now,
                    by=current_user)
            db.session.commit()
        except UploadRejected as error:
            db.session.rollback()
            form.photos.errors = [str(error.message)]
            return _photos_response(listing, form, 422)
        except AccountError as error:
            db.session.rollback()
            form.photos.errors = [str(error.message)]
            return _photos_response(listing, form, 422)
    if wants_fragment():
        return _photos_response(db.session.get(Listing, listing_id))
    return redirect(url_for("shops.photos", listing_id=listing_id))


def _sign_blocks(listing_id, error):
    """A STOP sign refused a photo change (SHOP-7): say why on the photos page."""
    db.session.rollback()
    if wants_fragment():
        listing = db.session.get(Listing, listing_id)
        form = PhotoForm(formdata=None)
        form.photos.errors = [str(error.message)]
        return _photos_response(listing, form, 422)
    flash(error.message, "error")
    return redirect(url_for("shops.photos", listing_id=listing_id))


@bp.route("/listings/<int:listing_id>/photos/<int:photo_id>/<any(earlier, later):direction>",
          methods=["POST"])
@login_required
def move_photo(listing_id, photo_id, direction):
    """Move a photo one place earlier or later."""
    listing = managed_listing_or_403(listing_id)
    return _change_photos(listing_id, lambda: listing_services.move_photo(
        listing, photo_id, -1 if direction == "earlier" else 1))


def _change_photos(listing_id, change):
    """Make ``change`` to the photos on a valid form (a sign that forbids it says why; a photo
    not of this listing is 404), then show the photos again: the panel under htmx."""
    if EmptyForm().validate_on_submit():
        try:
            change()
            db.session.commit()
        except SignBlocksEdit as error:
            return _sign_blocks(listing_id, error)
        except AccountError:
            db.session.rollback()
            abort(404)
    if wants_fragment():
        return _photos_response(db.session.get(Listing, listing_id))
    return redirect(url_for("shops.photos", listing_id=listing_id))


@bp.route("/listings/<int:listing_id>/photos/<int:photo_id>/delete", methods=["GET", "POST"])
@login_required
def delete_photo(listing_id, photo_id):
    """Remove a photo, after a confirmation: without JavaScript a page reached by GET (so Back
    and reload work), under htmx the browser's own question (the form then sends
    ``confirmed``). A removal the rules refuse (SHOP-7) says why at once."""
    listing = managed_listing_or_403(listing_id)
    if request.form.get("confirmed") != "yes" and \
            listing_services.edit_refusal(listing) is None:
        photo = next((p for p in listing.photos if p.id == photo_id), None)
        if photo is None:
            abort(404)
        if request.method == "GET":
            return render_template("shops/confirm_remove_photo.html", listing=listing,
                                   photo=photo, form=EmptyForm())
        if not EmptyForm().validate_on_submit():
            abort(400)
        return redirect(url_for("shops.delete_photo", listing_id=listing_id,
                                photo_id=photo_id), 303)
    if request.method == "GET":  # a sign forbids changes: the photos page says why
        return redirect(url_for("shops.photos", listing_id=listing_id))
    return _change_photos(listing_id, lambda: listing_services.remove_photo(listing, photo_id))
