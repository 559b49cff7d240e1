"""Listings and their photos (SHOP-3, SHOP-4, SHOP-7 as far as the owner is concerned)."""
from datetime import timedelta

from flask import g
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select

from app.blueprints.shops import plans
from app.blueprints.shops.errors import AlreadyPosted, ListingRefused, ShopError, SignBlocksEdit
from app.blueprints.shops.prohibited import check_text
from app.blueprints.shops.shop_services import check_not_frozen
from app.extensions import db
from app.i18n import current_language
from app.invisible import as_read
from app.models import Category, Listing, ListingPhoto, ProhibitedTerm, Shop
from app.models.listings import CONDITIONS, CONTENT_RATINGS
from app.uploads import delete_image
from app.urls import MAX_ID

MAX_PHOTOS = 10
MAX_QUANTITY = 9999
LOCKED_STATUSES = ("fake",)


def clean_item_text(fields, error=ShopError, several=None):
    """The title, description and category of something offered (a listing, an auction):
    whitespace tidied, lengths checked, the category looked up. Raises ``error`` naming the
    field, or with ``several`` (a class taking the list) every problem at once."""
    problems = []
    title = " ".join((fields.get("title") or "").split())
    # (3 characters one can see: three zero-width spaces made a blank card)
    seen = " ".join(as_read(title).split())
    if len(seen) < 3 or len(title) > 120:
        problems.append(error(_l("A title has 3 to 120 characters."), field="title"))
    description = (fields.get("description") or "").strip()
    if len(description) > 5000:
        problems.append(error(_l("The description may be at most 5,000 characters."),
                              field="description"))
    category_id = fields.get("category_id")
    # A forged huge id would overflow SQLite's integers: it names no category anyway.
    category = db.session.get(Category, category_id) \
        if isinstance(category_id, int) and 0 < category_id <= MAX_ID else None
    if category is None:
        problems.append(error(_l("Please choose a category."), field="category_id"))
    if problems:
        raise several(problems) if several is not None and len(problems) > 1 else problems[0]
    return title, description, category


def _clean(fields):
    title, description, category = clean_item_text(fields)
    price = fields.get("price_satang")
    if not isinstance(price, int) or price <= 0:
        raise ShopError(_l("Please enter a price above zero."), field="price")
    quantity = fields.get("quantity")
    if not isinstance(quantity, int) or not 0 <= quantity <= MAX_QUANTITY:
        raise ShopError(_l("Quantity is a whole number from 0 to %(n)d.", n=MAX_QUANTITY),
                        field="quantity")
    if fields.get("condition") not in CONDITIONS:
        raise ShopError(_l("Please choose the condition."), field="condition")
    if fields.get("content_rating") not in CONTENT_RATINGS:
        raise ShopError(_l("Please choose who may see this listing."), field="content_rating")
    issuer = " ".join((fields.get("certificate_issuer") or "").split())[:120]
    number = (fields.get("certificate_number") or "").strip()[:60]
    if number and not issuer:
        raise ShopError(_l("Name the issuer of the certificate."), field="certificate_issuer")
    return dict(title=title, description=description, category_id=category.id,
                price_satang=price, quantity=quantity, condition=fields["condition"],
                content_rating=fields["content_rating"], certificate_issuer=issuer,
                certificate_number=number)


def _apply_prohibited_check(listing, values):
    """Refuse or hold per the prohibited list (SHOP-4); the seller sees why."""
    verdict = check_text(values["title"], values["description"])
    groups = ", ".join(str(g) for g in verdict.groups(current_language()))
    if verdict.action == "refuse":
        raise ListingRefused(_l("This listing cannot be posted: it looks like prohibited goods "
                                "(%(groups)s). Please remove it, or list something else.",
                                groups=groups))
    if verdict.action == "hold" and listing.status != "hidden":
        # A hidden listing (a refused hold, an upheld complaint: CMP-3) stays hidden: a hold
        # released later would otherwise publish it without the moderators restoring it.
        listing.status = "held"
        listing.hold_reason = ", ".join(verdict.groups("en"))
    # A held listing stays held when edited: only a moderator's decision releases it.


def hold_groups(listing):
    """Why ``listing`` is held, in the reader's language: the prohibited groups its text
    matches now (else the stored reason, :func:`shown_hold_reason`)."""
    groups = check_text(listing.title, listing.description).groups(current_language())
    return ", ".join(str(g) for g in groups) or shown_hold_reason(listing.hold_reason)


def shown_hold_reason(reason):
    """A held listing's stored reason (the English names of the prohibited groups it matched)
    in the reader's language; a name no longer on the list as stored. The names are read once
    a request (the queue shows many held listings)."""
    if not reason or current_language() == "en":
        return reason
    names = g.get("talat_group_names")
    if names is None:
        names = g.talat_group_names = dict(db.session.execute(
            select(ProhibitedTerm.group_en, ProhibitedTerm.group_th).distinct()).all())
    return ", ".join(names.get(part, part) for part in reason.split(", "))


def shop_post_refusal(shop, member, now):
    """Why ``member`` may not post in ``shop`` now, or None: a suspended member posts nothing,
    and nothing is posted in a suspended owner's shop, by staff either: the shop is how the
    owner sells (ACC-5). The new-listing page says so in place of its form."""
    from app.blueprints.moderation.enforcement import suspension_refusal
    from app.permissions import is_suspended

    refusal = suspension_refusal(member, now)
    if refusal is None and shop.owner_id != member.id and is_suspended(shop.owner, now):
        refusal = ShopError(_l("This shop cannot post while its owner is suspended."))
    return refusal


def check_shop_may_post(shop, member, now):
    """Raise :func:`shop_post_refusal` (ACC-5)."""
    refusal = shop_post_refusal(shop, member, now)
    if refusal is not None:
        raise refusal


#: Why an under-18 member may not rate a listing 18+ (:func:`check_rating_allowed`).
MINOR_LISTING_RATING = _l("Members under 18 cannot post listings for adults (18+).")


def check_rating_allowed(member, rating, now, *, error=ShopError, message=MINOR_LISTING_RATING):
    """An under-18 member may not rate what they offer 18+ (ACC-3): they may not see such a
    thing, so they may not post one either. Listings and auctions share it; an auction
    passes its own ``error`` class and ``message``."""
    from app.blueprints.accounts.services import is_adult

    if rating == "adult" and not is_adult(member, now):
        raise error(message, field="content_rating")


#: A listing its author posted to the shop this recently, with the same title, description,
#: category, price and condition, is the same form sent again (Back after posting, then send),
#: not a second item: it is not posted twice (SHOP-3), nor does it take a second place under
#: the plan (SHOP-2). More of one item is its quantity.
RESENT_WITHIN = timedelta(minutes=10)
#: Fields a listing sent again may change without being another listing (Back, a corrected
#: certificate number or stock, send): the seller is shown them, never silently dropped.
RESENT_MAY_CHANGE = ("quantity", "content_rating", "certificate_issuer", "certificate_number")


def _just_posted(shop, author, values, now):
    """The listing ``author`` posted to ``shop`` from the same form moments ago, or None."""
    return db.session.scalar(select(Listing).where(
        Listing.shop_id == shop.id, Listing.created_by_id == author.id,
        Listing.created_at >= now - RESENT_WITHIN, Listing.status != "deleted",
        Listing.title == values["title"], Listing.description == values["description"],
        Listing.category_id == values["category_id"],
        Listing.price_satang == values["price_satang"],
        Listing.condition == values["condition"]).order_by(Listing.id.desc()).limit(1))


def _changed_by_resend(listing, values):
    """What the form sent again changes of ``listing`` (:data:`RESENT_MAY_CHANGE`), by field.
    Its quantity is compared only while the listing's stock is still what the first send
    said: no order placed and no change by the shop since (found in review: compared with the
    stock orders had left, an unchanged form looked changed, and saving it put reserved items
    on sale again). Otherwise the stock as it is now prevails, and the seller is told, as
    always, to raise the quantity to sell more."""
    from app.models import Order

    fields = list(RESENT_MAY_CHANGE)
    if listing.updated_at != listing.created_at or db.session.scalar(
            select(Order.id).where(Order.listing_id == listing.id).limit(1)) is not None:
        fields.remove("quantity")
    return {name: values[name] for name in fields if values[name] != getattr(listing, name)}


def create_listing(shop, author, fields, *, now):
    """Post a listing for ``shop`` (SHOP-3), within the plan (SHOP-2) and the rules (SHOP-4).
    The same listing sent again moments later raises :class:`AlreadyPosted` with the first,
    and what this send changes of it (:data:`RESENT_MAY_CHANGE`)."""
    check_shop_may_post(shop, author, now)
    check_not_frozen("listings")
    if shop.status != "open":
        raise ShopError(_l("This shop is closed."))
    values = _clean(fields)
    check_rating_allowed(author, values["content_rating"], now)
    plans.lock_shop(shop)  # two sends at once: the second sees the first's listing
    earlier = _just_posted(shop, author, values, now)
    if earlier is not None:  # before the plan's limit, which the first may have reached
        raise AlreadyPosted(_l("You posted this listing a moment ago: here it is. To sell more "
                               "of it, raise its quantity."), earlier,
                            changed=_changed_by_resend(earlier, values))
    plans.check_listing_limit(shop)
    listing = Listing(shop_id=shop.id, created_by_id=author.id, created_at=now, updated_at=now,
                      status="active", **values)
    if listing.quantity == 0:
        listing.status, listing.sold_out_at = "sold_out", now
    _apply_prohibited_check(listing, values)
    db.session.add(listing)
    db.session.flush()
    _raise_hold_item(listing, now)
    return listing


def edit_refusal(listing):
    """Why the shop may not change ``listing`` now (SHOP-7), or None."""
    if listing.status in LOCKED_STATUSES or listing.stop_sign == "fake":
        return _l("A listing signed FAKE can be neither changed nor deleted by its shop. You "
                  "may explain or, after 7 days, ask for the sign to be lifted.")
    if listing.stop_sign:
        return _l("A listing with a STOP sign cannot be changed while the sign is up. You may "
                  "send the moderators an explanation.")
    if listing.status == "deleted":
        return _l("This listing was deleted.")
    return None


def _check_editable(listing):
    refusal = edit_refusal(listing)
    if refusal is not None:
        raise SignBlocksEdit(refusal)


def delete_refusal(listing):
    """Why the shop may not delete ``listing`` (only a FAKE sign forbids it, SHOP-7), or
    None: the confirmation step is offered only for a deletion that can happen."""
    if listing.status in LOCKED_STATUSES or listing.stop_sign == "fake" \
            or listing.status == "deleted":
        return edit_refusal(listing)
    return None


def _check_deletable(listing):
    """Only a FAKE sign keeps the shop from deleting a listing (SHOP-7)."""
    if listing.status in LOCKED_STATUSES or listing.stop_sign == "fake":
        raise SignBlocksEdit(edit_refusal(listing))
    if listing.status == "deleted":
        raise ShopError(_l("This listing was deleted."))


def apply_sign(listing, kind, now, *, restore_status="", keep_hidden=False):
    """Moderation hangs (``kind``) or takes down (None) a STOP sign on ``listing`` (SHOP-7).
    FAKE makes the listing "fake"; when FAKE goes, the status it had (``restore_status``)
    comes back. A listing an upheld complaint hides (``keep_hidden``) stays hidden: the sign
    shows when the complaint's hiding ends. Returns the status before."""
    before = listing.status
    listing.stop_sign = kind
    if keep_hidden and listing.status == "hidden":
        pass
    elif kind == "fake" and listing.status != "fake":
        listing.status = "fake"
        listing.over_plan_since = None  # a FAKE listing stays shown (SHOP-7), plan or not
    elif kind != "fake" and listing.status == "fake":
        status = restore_status if restore_status in ("active", "sold_out", "held",
                                                      "hidden") else "active"
        if status in ("active", "sold_out"):
            status = "active" if listing.quantity > 0 else "sold_out"
        listing.status = status
    listing.updated_at = now
    db.session.flush()
    if (before == "fake") != (listing.status == "fake"):
        # back in the plan's count, or out of it, freeing a place (SHOP-2)
        plans.fit_listings_to_plan(listing.shop, now)
    return before


def _keep_ordered_stock(listing, values, quantity_was):
    """The edit form says how many were available when it was opened (``quantity_was``).
    Orders placed since then took (or gave back) stock: a seller who did not change the
    quantity keeps the stock as the orders left it, so a reserved item is never offered
    again (SHOP-10); one who changed it is asked to look again at the number now."""
    if not isinstance(quantity_was, int) or listing.quantity == quantity_was:
        return
    if values["quantity"] == quantity_was:
        values["quantity"] = listing.quantity
        return
    raise ShopError(_l("Orders have changed the quantity since you opened this form: %(n)d "
                       "available now. Please check the quantity and save again.",
                       n=listing.quantity), field="quantity")


def update_listing(listing, fields, *, now, editor=None):
    """Change a listing; the prohibited check runs again. A suspended ``editor`` is refused
    (ACC-5). The stock orders took since the form was opened is kept (``quantity_was``)."""
    if editor is not None:
        from app.blueprints.moderation.enforcement import check_can_act

        check_can_act(editor, now)
    _check_editable(listing)
    db.session.refresh(listing, with_for_update=True)  # orders change its stock meanwhile
    values = _clean(fields)
    if editor is not None:
        check_rating_allowed(editor, values["content_rating"], now)
    _keep_ordered_stock(listing, values, fields.get("quantity_was"))
    if listing.rating_locked:
        # A moderator set who may see it: the seller's edit keeps that rating.
        values["content_rating"] = listing.content_rating
    for name, value in values.items():
        setattr(listing, name, value)
    listing.updated_at = now
    if listing.status in ("active", "sold_out"):
        listing.status = "active" if listing.quantity > 0 else "sold_out"
        listing.sold_out_at = now if listing.quantity == 0 else None
    _apply_prohibited_check(listing, values)
    db.session.flush()
    _raise_hold_item(listing, now)


def _raise_hold_item(listing, now):
    """A held listing waits in the moderators' queue (MOD-7); editing it again counts on
    the same item."""
    if listing.status != "held":
        return
    from app.blueprints.moderation import queue

    owner_id = db.session.scalar(select(Shop.owner_id).where(Shop.id == listing.shop_id))
    queue.open_item("prohibited_hold", "listing", listing.id, now=now, subject_user_id=owner_id,
                    summary=listing.hold_reason)


def release_hold(listing, *, now):
    """A moderator approved a held listing: it goes on sale (or shows sold out)."""
    if listing.status != "held":
        raise ShopError(_l("This listing is not held."))
    listing.status = "active" if listing.quantity > 0 else "sold_out"
    listing.sold_out_at = None if listing.quantity > 0 else now
    listing.updated_at = now
    db.session.flush()


def refuse_hold(listing, reason, *, now):
    """A moderator refused a held listing: it stays off sale, hidden, with the reason."""
    if listing.status != "held":
        raise ShopError(_l("This listing is not held."))
    listing.status = "hidden"
    listing.hold_reason = (reason or listing.hold_reason or "")[:300]
    listing.updated_at = now
    db.session.flush()


def mark_sold_out(listing, *, now):
    """Mark a listing sold out: it stays visible as sold, with no stock. A listing the
    moderators hid (a refused hold, an upheld complaint: CMP-3) stays hidden: only they
    publish it again."""
    _check_deletable(listing)
    if listing.status == "hidden":
        raise ShopError(_l("The moderators have suspended this listing, so it cannot be put "
                           "back on show. Correct it, or answer them from the notice you "
                           "received."))
    listing.quantity, listing.status, listing.sold_out_at, listing.updated_at = 0, "sold_out", \
        now, now
    db.session.flush()


def delete_listing(listing, *, now, refit=True):
    """Delete a listing (kept for the orders that refer to it, never shown again); a FAKE
    sign forbids it (SHOP-7). A listing hidden as over the plan may show now (``refit``:
    the shop's listings are fitted to the plan again, if any is hidden; a caller deleting
    them all leaves it out)."""
    _check_deletable(listing)
    listing.status, listing.updated_at = "deleted", now
    db.session.flush()
    if refit and db.session.scalar(select(Listing.id).where(
            Listing.shop_id == listing.shop_id, Listing.over_plan_since.is_not(None)).limit(1)):
        plans.fit_listings_to_plan(listing.shop, now)


def add_photo(listing, stored, *, now, by):
    """Attach a stored image as the listing's last photo; at most ten. ``by``: the member
    adding it (not while suspended, nor to the shop of a suspended owner: ACC-5)."""
    _check_editable(listing)
    check_shop_may_post(listing.shop, by, now)
    count = db.session.scalar(select(func.count(ListingPhoto.id))
                              .where(ListingPhoto.listing_id == listing.id))
    if count >= MAX_PHOTOS:
        raise ShopError(_l("A listing has at most %(n)d photos.", n=MAX_PHOTOS), field="photos")
    photo = ListingPhoto(listing_id=listing.id, position=count, key=stored.key,
                         width=stored.width, height=stored.height, created_at=now)
    db.session.add(photo)
    listing.updated_at = now
    db.session.flush()
    return photo


def check_photo_room(listing, chosen):
    """Refuse ``chosen`` new photos at once if the listing has no room for them all (SHOP-3:
    at most :data:`MAX_PHOTOS`), before any file is read: the message says how many it may
    still take. (Added one by one, the one past the tenth was refused with "at most 10
    photos", and none was kept, so the seller did not learn how many to choose.)"""
    count = db.session.scalar(select(func.count(ListingPhoto.id))
                              .where(ListingPhoto.listing_id == listing.id)) or 0
    left = max(0, MAX_PHOTOS - count)
    if chosen <= left:
        return
    if left == 0:
        raise ShopError(_l("A listing has at most %(n)d photos, and this one has them all. "
                           "Remove one to add another.", n=MAX_PHOTOS), field="photos")
    raise ShopError(lazy_ngettext(
        "You chose %(chosen)d photos, but this listing has room for only %(num)d more (at most "
        "%(n)d in all). Please choose one.",
        "You chose %(chosen)d photos, but this listing has room for only %(num)d more (at most "
        "%(n)d in all). Please choose %(num)d or fewer.",
        left, chosen=chosen, n=MAX_PHOTOS), field="photos")


def photo_slots_left(listing):
    """How many more photos the listing may take."""
    return MAX_PHOTOS - len(listing.photos)


def move_photo(listing, photo_id, offset):
    """Move a photo one place earlier (-1) or later (+1)."""
    _check_editable(listing)
    photos = list(listing.photos)
    index = next((i for i, p in enumerate(photos) if p.id == photo_id), None)
    if index is None:
        raise ShopError(_l("This photo is not part of the listing."))
    target = index + offset
    if 0 <= target < len(photos):
        photos[index], photos[target] = photos[target], photos[index]
        for position, photo in enumerate(photos):
            photo.position = position
    db.session.flush()


def remove_photo(listing, photo_id):
    """Remove a photo; its files go once the change is committed."""
    from app.database import after_commit

    _check_editable(listing)
    photo = next((p for p in listing.photos if p.id == photo_id), None)
    if photo is None:
        raise ShopError(_l("This photo is not part of the listing."))
    listing.photos.remove(photo)
    for position, remaining in enumerate(listing.photos):
        remaining.position = position
    key = photo.key
    db.session.flush()
    after_commit(db.session, lambda: delete_image(key))


def set_content_rating(listing, rating, *, now, moderator, ip=""):
    """``moderator`` changes who may see a listing (RANK-1: the seller sets it, moderators can
    change it), in the audit log (MOD-10). The rating is then locked: the seller's edits no
    longer change it."""
    from app.blueprints.moderation import audit

    if rating not in CONTENT_RATINGS:
        raise ShopError(_l("Please choose who may see this listing."), field="content_rating")
    before = {"content_rating": listing.content_rating, "rating_locked": listing.rating_locked}
    listing.content_rating, listing.updated_at = rating, now
    listing.rating_locked = True
    audit.record(moderator, "listing.content_rating", "listing", listing.id, before=before,
                 after={"content_rating": rating, "rating_locked": True}, now=now, ip=ip)
    db.session.flush()
