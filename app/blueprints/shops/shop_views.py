"""Shop pages: browse shops, open one, the shop page, its details, staff, circle and plan."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from app.blueprints.accounts.errors import AccountError
from app.blueprints.accounts.views import show_error
from app.blueprints.shops import bp, shop_services, watch_services
from app.blueprints.shops.errors import AlreadyPosted
from app.blueprints.shops.forms import MemberEmailForm, PlanForm, ShopEditForm, ShopForm
from app.blueprints.shops.plans import (
    PLAN_NAMES, counted_listings, effects_of_plan, hidden_over_plan, staff_limit_refusal,
    staff_within_plan)
from app.blueprints.shops.visibility import listed_listings, visible_listings
from app.database import utcnow
from app.extensions import db
from app.forms import EmptyForm
from app.models import Listing, ListingPhoto, Shop
from app.models.shops import PLANS
from app.net import client_ip
from app.notifications import register_link
from app.permissions import can_manage_listings, can_moderate, can_run_shop, is_admin
from app.uploads import LOGO_MIN_SIDE, UploadRejected, send_image, store_image
from app.urls import external_url, int_arg

PER_PAGE = 24

bp.add_app_template_global(shop_services.frozen_notice)


def suspension_refusal(user, now):
    """The ACC-5 refusal a page shows in place of its form (moderation is loaded after the
    shops: imported here, not at the top)."""
    from app.blueprints.moderation.enforcement import suspension_refusal as refusal

    return refusal(user, now)


def shop_by_slug(slug):
    """The shop at ``slug`` or 404."""
    shop = db.session.scalar(select(Shop).where(Shop.slug == slug))
    if shop is None:
        abort(404)
    return shop


def run_shop_or_403(slug):
    """The shop, if the current member owns it (or is an admin)."""
    shop = shop_by_slug(slug)
    if not can_run_shop(current_user, shop):
        abort(403)
    return shop


@bp.route("/shops")
def index():
    """All open shops, newest first."""
    page = int_arg("page", 1, high=10_000)
    query = select(Shop).where(Shop.status == "open", Shop.hidden_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    shops = db.session.scalars(query.order_by(Shop.created_at.desc(), Shop.id.desc())
                               .offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    return render_template("shops/index.html", shops=shops, page=page,
                           pages=max(1, -(-total // PER_PAGE)))


@bp.route("/shops/mine")
@login_required
def mine():
    """Shops the member owns or works for."""
    return render_template("shops/mine.html", shops=shop_services.shops_of(current_user),
                           managed=shop_services.managed_shop_ids_of(current_user))


@bp.route("/shops/new", methods=["GET", "POST"])
@login_required
def new_shop():
    """Open a shop (SHOP-1)."""
    form = ShopForm()
    if form.validate_on_submit():
        try:
            shop = shop_services.open_shop(current_user, name=form.name.data, slug=form.slug.data,
                                           description=form.description.data or "",
                                           now=utcnow())
            db.session.commit()
        except AlreadyPosted as error:  # Back, then the same form sent again (SHOP-1)
            db.session.rollback()
            flash(error.message, "info")
            return redirect(url_for("shops.shop", slug=error.made.slug))
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_l("Your shop is open. Add your first listing!"), "success")
            return redirect(url_for("shops.shop", slug=shop.slug))
    status = 422 if form.is_submitted() else 200
    return render_template("shops/new.html", form=form,
                           cannot_act=suspension_refusal(current_user, utcnow())), status


def shown_shop_or_404(slug):
    """The shop if this visitor may see its page: closed shops only to their owner and admins,
    hidden ones (CMP-3) only to their owner and moderators."""
    shop = shop_by_slug(slug)
    if shop.status != "open" and not can_run_shop(current_user, shop) and not is_admin(
            current_user):
        abort(404)
    if shop.hidden_at is not None and not can_run_shop(current_user, shop) and not \
            can_moderate(current_user):
        abort(404)  # publication suspended after an upheld complaint (CMP-3)
    return shop


@bp.route("/shops/<slug>/reviews")
def reviews(slug):
    """All of a shop's reviews, newest first, a page at a time (SHOP-6)."""
    from app.blueprints.shops.order_services import reviews_page

    shop = shown_shop_or_404(slug)
    page = int_arg("page", 1, high=10_000)
    shown, pages = reviews_page(shop, page)
    return render_template("shops/reviews.html", shop=shop, reviews=shown, page=page,
                           pages=pages)


@bp.route("/shops/<slug>")
def shop(slug):
    """A shop's page: its listings (as this visitor may see them) and its rating. The shop's
    people and moderators see its paused listings here too, badged; buyers do not."""
    return _shop_page(shown_shop_or_404(slug))


def _plan_form(**values):
    """The admin's plan menu: every plan, by its name (SHOP-2)."""
    form = PlanForm(**values)
    form.plan.choices = [SelectChoice(key, PLAN_NAMES[key]) for key in PLANS]
    return form


def _shop_page(shop, plan_form=None):
    """A shop's page as :func:`shop` draws it; ``plan_form``: the admin's plan menu as sent,
    with its error, instead of a fresh one."""
    page = int_arg("page", 1, high=10_000)
    shown = visible_listings if can_manage_listings(current_user, shop) or can_moderate(
        current_user) else listed_listings
    query = select(Listing).where(Listing.shop_id == shop.id, shown(current_user, utcnow()))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    listings = db.session.scalars(query.options(selectinload(Listing.photos))
                                  .order_by(Listing.created_at.desc(), Listing.id.desc())
                                  .offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    if plan_form is None:
        plan_form = _plan_form(formdata=None, plan=shop.plan)
    return render_template("shops/shop.html", shop=shop, listings=listings, page=page,
                           following=watch_services.is_following(current_user, shop),
                           pages=max(1, -(-total // PER_PAGE)), plan_form=plan_form,
                           plan_names=PLAN_NAMES, listing_count=counted_listings(shop),
                           hidden_count=hidden_over_plan(shop))


@bp.route("/shops/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_shop(slug):
    """Change the shop's name, description and logo (owner only)."""
    shop = run_shop_or_403(slug)
    form = ShopEditForm(obj=shop) if request.method == "GET" else ShopEditForm()
    if form.validate_on_submit():
        try:
            logo = form.logo.data
            stored = (store_image(logo.read(), session=db.session, min_side=LOGO_MIN_SIDE)
                      if logo else None)
            shop_services.update_shop(shop, name=form.name.data,
                                      description=form.description.data or "",
                                      logo_key=stored.key if stored else None, now=utcnow(),
                                      by=current_user)
            if shop.owner_id == current_user.id:  # where buyers pay: the owner's word only
                shop_services.set_payment_details(
                    shop, bank_name=form.bank_name.data or "",
                    account_name=form.bank_account_name.data or "",
                    account_number=form.bank_account_number.data or "",
                    promptpay_id=form.promptpay_id.data or "")
            db.session.commit()
        except UploadRejected as error:
            db.session.rollback()
            form.logo.errors = [str(error.message)]
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_l("The shop's details have been saved."), "success")
            return redirect(url_for("shops.shop", slug=shop.slug))
    status = 422 if form.is_submitted() else 200
    return render_template("shops/edit.html", form=form, shop=shop,
                           cannot_act=suspension_refusal(current_user, utcnow())), status


def _people_page(shop, staff_form=None, circle_form=None, status=200):
    staff_form = staff_form or MemberEmailForm(formdata=None)
    circle_form = circle_form or MemberEmailForm(formdata=None, prefix="circle")
    staff = shop_services.staff_of(shop)
    return render_template(
        "shops/people.html", shop=shop, staff=staff,
        # ACC-3: staff under 18 are badged: they neither see nor post 18+ listings.
        minors=shop_services.under_18_among([member.user for member in staff], utcnow()),
        circle=shop_services.circle_of(shop), staff_form=staff_form, circle_form=circle_form,
        max_staff=shop.plan_limits.max_staff, within_plan=staff_within_plan(shop),
        plan_name=PLAN_NAMES[shop.plan],
        # SHOP-2: at the plan's limit the page says so instead of offering the form.
        staff_full=None if staff_form.errors else staff_limit_refusal(shop),
        # ACC-5: so does a suspended owner's (shop_services.add_staff refuses them).
        cannot_act=suspension_refusal(current_user, utcnow())), status


@bp.route("/shops/<slug>/people")
@login_required
def people(slug):
    """Staff (who may manage listings) and the circle (who sees restricted listings)."""
    return _people_page(run_shop_or_403(slug))


@bp.route("/shops/<slug>/staff", methods=["POST"])
@login_required
def add_staff(slug):
    """Add a staff member by e-mail (SHOP-1), within the plan's limit (SHOP-2)."""
    shop = run_shop_or_403(slug)
    form = MemberEmailForm()
    if form.validate_on_submit():
        try:
            staff = shop_services.add_staff(shop, form.email.data, by=current_user,
                                            now=utcnow())
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_l("%(name)s can now manage your listings.", name=staff.user.display_name),
                  "success")
            if shop_services.under_18_among([staff.user], utcnow()):
                flash(_l("%(name)s is under 18: they will neither see nor post your listings "
                         "for adults (18+).", name=staff.user.display_name), "info")
            return redirect(url_for("shops.people", slug=shop.slug))
    return _people_page(shop, staff_form=form, status=422)


@bp.route("/shops/<slug>/staff/<int:staff_id>/remove", methods=["GET", "POST"])
@login_required
def remove_staff(slug, staff_id):
    """Remove a staff member, once asked (GET: the question, so one stray tap on a phone
    removes no one); the owner reads that it is done, the member is told (SHOP-1)."""
    shop = run_shop_or_403(slug)
    if request.method == "GET":
        staff = shop_services.staff_member(shop, staff_id)
        if staff is None:  # removed meanwhile (another tab): the staff page says who is left
            return redirect(url_for("shops.people", slug=shop.slug))
        return render_template("shops/confirm_remove_staff.html", shop=shop, staff=staff,
                               form=EmptyForm())
    if EmptyForm().validate_on_submit():
        try:
            member = shop_services.remove_staff(shop, staff_id, now=utcnow())
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_l("%(name)s is no longer on your staff.", name=member.display_name),
                  "success")
    return redirect(url_for("shops.people", slug=shop.slug))


@bp.route("/shops/<slug>/circle", methods=["POST"])
@login_required
def add_circle(slug):
    """Add a member to the circle that sees restricted listings (RANK-1)."""
    shop = run_shop_or_403(slug)
    form = MemberEmailForm(prefix="circle")
    if form.validate_on_submit():
        try:
            member = shop_services.add_to_circle(shop, form.email.data)
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            error.field = "email"
            show_error(form, error)
        else:
            flash(_l("%(name)s now sees your restricted listings.", name=member.display_name),
                  "success")
            return redirect(url_for("shops.people", slug=shop.slug))
    return _people_page(shop, circle_form=form, status=422)


@bp.route("/shops/<slug>/circle/<int:circle_id>/remove", methods=["GET", "POST"])
@login_required
def remove_circle(slug, circle_id):
    """Take a member out of the circle, once asked (GET: the question, as for staff, so one
    stray tap on a phone removes no one); the owner reads that it is done, the member is told
    (RANK-1)."""
    shop = run_shop_or_403(slug)
    if request.method == "GET":
        entry = shop_services.circle_member(shop, circle_id)
        if entry is None:  # removed meanwhile (another tab): the people page says who is left
            return redirect(url_for("shops.people", slug=shop.slug))
        return render_template("shops/confirm_remove_circle.html", shop=shop, entry=entry,
                               form=EmptyForm())
    if EmptyForm().validate_on_submit():
        member = shop_services.remove_from_circle(shop, circle_id, now=utcnow())
        db.session.commit()
        if member is not None:
            flash(_l("%(name)s no longer sees your restricted listings.",
                     name=member.display_name), "success")
    return redirect(url_for("shops.people", slug=shop.slug))


@bp.route("/shops/<slug>/plan", methods=["POST"])
@login_required
def set_plan(slug):
    """Admin: put the shop on a plan (SHOP-2; no payments yet)."""
    if not is_admin(current_user):
        abort(403)
    shop = shop_by_slug(slug)
    form = _plan_form()
    if form.validate_on_submit():
        hidden, paused = effects_of_plan(shop, form.plan.data)
        if (hidden or paused) and form.plan.data != shop.plan and \
                request.form.get("confirmed") != "yes":
            # A smaller plan hides listings and pauses staff at once: said first, then done.
            return render_template("shops/confirm_plan.html", shop=shop, form=form,
                                   plan_name=PLAN_NAMES[form.plan.data], hidden=hidden,
                                   paused=paused)
        shop_services.set_plan(shop, form.plan.data, utcnow(), admin=current_user,
                               ip=client_ip())
        db.session.commit()
        flash(_l("%(shop)s is now on the %(plan)s plan.", shop=shop.name,
                 plan=PLAN_NAMES[shop.plan]), "success")
    elif form.plan.errors:
        # A plan that is none of the plans (a tampered form, a page from before a plan was
        # withdrawn) was dropped without a word and the page reloaded as if it were done.
        # It is refused on the menu, which shows the plan the shop keeps; nothing is stored.
        shown = _plan_form(formdata=None, plan=shop.plan)
        shown.plan.errors = list(form.plan.errors)
        return _shop_page(shop, plan_form=shown), 422
    return redirect(url_for("shops.shop", slug=shop.slug))


@bp.route("/media/<key>/<size>.jpg")
def photo(key, size):
    """An image of a listing (photo or certificate) to those who may see the listing
    (RANK-1, ACC-3), or a shop's logo to everyone (but the logo of a shop hidden after an
    upheld complaint only to its people and moderators: CMP-3). Re-encoded JPEG under a random
    name."""
    if not key.isalnum() or len(key) > 64:
        abort(404)
    shop = db.session.scalar(select(Shop).where(Shop.logo_key == key))
    if shop is not None:
        if shop.hidden_at is None:
            return send_image(key, size)
        if not can_run_shop(current_user, shop) and not can_moderate(current_user):
            abort(404)
        response = send_image(key, size, max_age=3600)
        response.cache_control.public = False
        response.cache_control.private = True
        return response
    listing_id = db.session.scalar(select(ListingPhoto.listing_id).where(ListingPhoto.key == key))
    if listing_id is None:
        listing_id = db.session.scalar(select(Listing.id).where(
            Listing.certificate_photo_key == key))
    if listing_id is None or db.session.scalar(select(Listing.id).where(
            Listing.id == listing_id, visible_listings(current_user, utcnow()))) is None:
        abort(404)
    response = send_image(key, size, max_age=3600)
    response.cache_control.public = False
    response.cache_control.private = True  # browsers only: a listing can become hidden
    return response


def _shop_page_link(endpoint):
    """A link for notices about a shop: to the shop's page named by ``endpoint``."""

    def link(shop_id, external=False):
        shop = db.session.get(Shop, shop_id)
        if shop is None:
            return None
        if external:
            return external_url(endpoint, slug=shop.slug)
        return url_for(endpoint, slug=shop.slug)

    return link


register_link("shop", _shop_page_link("shops.shop"))  # notices about a shop: its page
register_link("shop_staff", _shop_page_link("shops.people"))  # about its staff: the staff page
