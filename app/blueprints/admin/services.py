"""Admin operations that change state."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.blueprints.accounts.errors import AccountError
from app.blueprints.accounts.services import adult_condition, is_adult, name_search_key
from app.database import lower_text
from app.extensions import db
from app.models import Listing, Shop, ShopStaff, User
from app.models.accounts import ROLES


def set_role(user, role, *, by, now, ip=""):
    """Give ``user`` a role; the last admin cannot be demoted, nor can admins demote themselves,
    and a member under 18 is made neither moderator nor admin (ACC-3,
    :func:`app.permissions.staff_age`). Audited (MOD-10)."""
    from app.blueprints.moderation import audit

    if role not in ROLES:
        raise AccountError(_l("Unknown role."))
    if user.closed_at is not None and role != "member" and role != user.role:
        raise AccountError(_l("A closed or deleted account cannot be given a staff role."))
    if role != "member" and role != user.role and not is_adult(user, now):
        raise AccountError(_l("Members under 18 cannot be moderators or admins: their work "
                              "shows content for adults (18+)."))
    # Only an admin who holds the rights counts as one to lose: a closed account or one under
    # 18 (ACC-3) is made a member by any admin, however few adult admins there are.
    holds_admin = user.role == "admin" and user.closed_at is None and is_adult(user, now)
    if holds_admin and role != "admin":
        if user.id == by.id:
            raise AccountError(_l("You cannot remove your own admin role."))
        # The admins' rows are locked first (PostgreSQL; the view makes SQLite's transaction a
        # writer), so two admins demoting each other at once cannot both see another admin
        # left and leave none.
        db.session.execute(select(User.id).where(User.role == "admin").order_by(User.id)
                           .with_for_update())
        # A closed admin cannot log in; one under 18 has no admin rights (ACC-3).
        admins = db.session.scalar(select(func.count(User.id)).where(
            User.role == "admin", User.closed_at.is_(None),
            adult_condition(User.birth_date, now)))
        if admins <= 1:
            raise AccountError(_l("The last admin cannot be demoted."))
    before, user.role = user.role, role
    if before != role:
        audit.record(by, "user.role", "user", user.id, before={"role": before},
                     after={"role": role}, now=now, ip=ip)
    db.session.flush()
    return user


def under_18(members, now):
    """The ids of ``members`` under 18: no staff role for them (ACC-3), and none of its rights
    for one given it before (:func:`app.permissions.staff_age`)."""
    return {member.id for member in members if not is_adult(member, now)}


def find_members(query, limit=50):
    """Members whose e-mail or display name contains ``query``, newest first; the name is
    compared as display names are told apart (:func:`name_search_key`)."""
    statement = select(User).order_by(User.id.desc()).limit(limit)
    if query.strip():
        email = _like_pattern(query.strip().lower())
        name = _like_pattern(name_search_key(query))
        statement = statement.where(User.email.like(email, escape="\\")
                                    | User.display_name_key.like(name, escape="\\"))
    return db.session.scalars(statement).all()


def _like_pattern(text):
    """``%text%`` for LIKE, its own wildcards escaped."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def find_shops(query, limit=50):
    """Shops whose name, web address or owner's e-mail contains ``query``, newest first, each
    as ``(shop, owner, listings counted under the plan, staff)`` (SHOP-2): open, closed and
    hidden ones alike, which the public list of shops leaves out."""
    from app.blueprints.shops.plans import UNCOUNTED_STATUSES

    listings = (select(func.count(Listing.id))
                .where(Listing.shop_id == Shop.id, Listing.status.not_in(UNCOUNTED_STATUSES))
                .scalar_subquery())
    staff = select(func.count(ShopStaff.id)).where(ShopStaff.shop_id == Shop.id) \
        .scalar_subquery()
    statement = (select(Shop, User, listings, staff).join(User, User.id == Shop.owner_id)
                 .order_by(Shop.id.desc()).limit(limit))
    if query.strip():
        pattern = _like_pattern(" ".join(query.split()).lower())
        statement = statement.where(lower_text(Shop.name).like(pattern, escape="\\")
                                    | Shop.slug.like(pattern, escape="\\")
                                    | User.email.like(pattern, escape="\\"))
    return db.session.execute(statement).all()
