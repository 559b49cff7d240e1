"""Opening and running a shop (SHOP-1, SHOP-2, RANK-1 circle, SHOP-9 frozen sections)."""
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.blueprints.accounts.errors import AccountErrors
from app.blueprints.accounts.services import normalise_email
from app.blueprints.shops import plans
from app.blueprints.shops.errors import AlreadyPosted, SectionFrozen, ShopError
from app.digits import to_arabic
from app.extensions import db
from app.models import FrozenSection, Shop, ShopCircle, ShopStaff, User
from app.models.shops import PLANS
from app.notifications import TEXTS, notify_about

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,58}[a-z0-9])$")
RESERVED_SLUGS = {"new", "admin", "edit", "api", "static", "search", "help", "shops", "mine"}


def check_not_frozen(section):
    """Raise :class:`SectionFrozen` if new posts are refused in ``section`` (SHOP-9)."""
    frozen = db.session.scalar(select(FrozenSection).where(FrozenSection.section == section))
    if frozen is not None:
        from app.i18n import current_language

        notice = frozen.notice_th if current_language() == "th" else frozen.notice_en
        raise SectionFrozen(notice or _l("This section is frozen: nothing new can be posted for "
                                         "now. Everything already here stays readable."))


def frozen_notice(section):
    """The notice of a frozen ``section`` in the reader's language, or None while it is open:
    forms for new posts show it before anything is typed (SHOP-9)."""
    try:
        check_not_frozen(section)
    except SectionFrozen as error:
        return error.message
    return None


def _shop_field_problems(name, slug):
    """A shop's name and web address as kept, and what is wrong with them (SHOP-1). Thai
    digits in the address are read as the digits 0-9 they are (a Thai keyboard types them),
    and letters as small letters."""
    problems = []
    name = " ".join(name.split())
    if not 2 <= len(name) <= 80:
        problems.append(ShopError(_l("A shop name has 2 to 80 characters."), field="name"))
    slug = to_arabic(slug.strip().lower())
    if not SLUG.match(slug) or "--" in slug:
        problems.append(ShopError(_l("The web address may use only small English letters, "
                                     "digits and single dashes between them, 3 to 60 "
                                     "characters, e.g. baan-phra-somchai."), field="slug"))
    elif slug in RESERVED_SLUGS:
        problems.append(ShopError(_l("This web address is reserved. Please choose another."),
                                  field="slug"))
    return name, slug, problems


def clean_shop_fields(name, slug, description):
    """Validate a shop's name, URL slug and description; every problem is told at once
    (:class:`AccountErrors`)."""
    name, slug, problems = _shop_field_problems(name, slug)
    if problems:
        raise AccountErrors(problems)
    return name, slug, description.strip()[:5000]


def open_shop(owner, *, name, slug, description, now):
    """Open a shop on the Starter plan (SHOP-1). A name and an address both wrong, or a
    wrong name and an address taken, are told together, not one per try."""
    from app.blueprints.moderation.enforcement import check_can_act

    check_can_act(owner, now)  # ACC-5
    check_not_frozen("shops")
    name, slug, problems = _shop_field_problems(name, slug)
    taken = None if any(problem.field == "slug" for problem in problems) else \
        db.session.scalar(select(Shop).where(Shop.slug == slug))
    if taken is not None and taken.owner_id == owner.id:
        if taken.name == name and not problems:  # Back after opening it, then sent again
            raise AlreadyPosted(_l("You opened this shop already: here it is."), taken)
        problems.append(ShopError(_l("Your shop “%(name)s” has this web address already.",
                                     name=taken.name), field="slug"))
    elif taken is not None:
        problems.append(ShopError(_l("Another shop uses this web address."), field="slug"))
    if problems:
        raise AccountErrors(problems)
    shop = Shop(owner_id=owner.id, name=name, slug=slug, description=description.strip()[:5000],
                plan="starter", status="open", created_at=now, updated_at=now)
    db.session.add(shop)
    db.session.flush()
    return shop


def update_shop(shop, *, name, description, logo_key=None, now, by):
    """Change a shop's name, description and logo (the web address stays); ``by``: the
    member making the change (not while suspended, ACC-5). A logo replaced has its files
    removed once the change is committed (they were kept for good, served to no one)."""
    from app.blueprints.moderation.enforcement import check_can_act
    from app.database import after_commit
    from app.uploads import delete_image

    check_can_act(by, now)  # ACC-5
    name, _slug, description = clean_shop_fields(name, shop.slug, description)
    shop.name, shop.description, shop.updated_at = name, description, now
    if logo_key and logo_key != shop.logo_key:
        old_key, shop.logo_key = shop.logo_key, logo_key
        if old_key:
            after_commit(db.session, lambda: delete_image(old_key))
    db.session.flush()


def _number_digits(text):
    """An account or PromptPay number as plain digits 0-9: dashes and spaces dropped, Thai
    digits read as the same digits. Anything else is left in, so the number is refused
    (``str.isdigit`` would take "²" or "①", which no bank does)."""
    return to_arabic(text.replace("-", "").replace(" ", ""))


def _all_digits(text):
    return text.isascii() and text.isdecimal()


def set_payment_details(shop, *, bank_name, account_name, account_number, promptpay_id):
    """Where buyers send the money (SHOP-10): a bank account, a PromptPay number, or both.
    Every problem is told at once (:class:`AccountErrors`)."""
    problems = []
    digits = _number_digits(account_number)
    if digits and not (_all_digits(digits) and 10 <= len(digits) <= 15):
        problems.append(ShopError(_l("An account number has 10 to 15 digits."),
                                  field="bank_account_number"))
    if digits and not (bank_name.strip() and account_name.strip()):
        problems.append(ShopError(_l("Name the bank and the account holder too."),
                                  field="bank_name"))
    promptpay = _number_digits(promptpay_id)
    if promptpay and not (_all_digits(promptpay) and len(promptpay) in (10, 13)):
        problems.append(ShopError(_l("A PromptPay number is a 10-digit phone number or a "
                                     "13-digit ID number."), field="promptpay_id"))
    if problems:
        raise AccountErrors(problems)
    shop.bank_name, shop.bank_account_name = bank_name.strip()[:60], account_name.strip()[:100]
    shop.bank_account_number, shop.promptpay_id = digits, promptpay
    db.session.flush()


def _member_by_email(email, field="email"):
    email = normalise_email(email)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        raise ShopError(_l("No member uses this e-mail address. Ask them to sign up first."),
                        field=field)
    return user


def add_staff(shop, email, *, by, now):
    """Add a member as staff; they may manage listings, not the plan or staff (SHOP-1).
    ``by``: the owner (not while suspended, ACC-5)."""
    from app.blueprints.moderation.enforcement import check_can_act

    check_can_act(by, now)  # ACC-5
    user = _member_by_email(email)
    if user.id == shop.owner_id:
        raise ShopError(_l("You own this shop already."), field="email")
    if user.closed_at is not None:  # closed by the moderators (MOD-8): they may not act
        raise ShopError(_l("This member's account is closed: it cannot join a shop's staff."),
                        field="email")
    if db.session.scalar(select(ShopStaff.id).where(ShopStaff.shop_id == shop.id,
                                                    ShopStaff.user_id == user.id)):
        raise ShopError(_l("This member is already on your staff."), field="email")
    plans.check_staff_limit(shop)
    staff = ShopStaff(shop_id=shop.id, user_id=user.id)
    db.session.add(staff)
    db.session.flush()
    notify_about(user, "staff_added", target_type="shop", target_id=shop.id,
                 facts={"shop": shop.name}, now=now)
    return staff


def staff_member(shop, staff_id):
    """The shop's staff entry ``staff_id``, or None if it is not (or no longer) theirs."""
    staff = db.session.get(ShopStaff, staff_id)
    return staff if staff is not None and staff.shop_id == shop.id else None


def remove_staff(shop, staff_id, *, now):
    """Remove a staff member, who is told (SHOP-1), as they were when added: a member whose
    pages of the shop stop working at once should learn why. Returns the member removed."""
    staff = staff_member(shop, staff_id)
    if staff is None:
        raise ShopError(_l("This member is not on your staff."))
    user = staff.user
    db.session.delete(staff)
    db.session.flush()
    notify_about(user, "staff_removed", target_type="shop", target_id=shop.id,
                 facts={"shop": shop.name}, now=now)
    return user


def under_18_among(members, now):
    """The ids of ``members`` under 18: on a shop's staff they neither see nor post its
    listings for adults (ACC-3, visibility._member_ratings), which the owner is told."""
    from app.blueprints.accounts.services import is_adult

    return {member.id for member in members if not is_adult(member, now)}


def staff_of(shop):
    """The shop's staff, oldest first."""
    return db.session.scalars(select(ShopStaff).where(ShopStaff.shop_id == shop.id)
                              .options(selectinload(ShopStaff.user))
                              .order_by(ShopStaff.id)).all()


def add_to_circle(shop, email):
    """Let a member see the shop's restricted listings (RANK-1). The owner, and a member
    already in the circle, are refused with a message saying so."""
    user = _member_by_email(email, field="circle_email")
    if user.id == shop.owner_id:
        raise ShopError(_l("You own this shop: you see its restricted listings already."),
                        field="email")
    if db.session.scalar(select(ShopCircle.id).where(ShopCircle.shop_id == shop.id,
                                                     ShopCircle.user_id == user.id)):
        raise ShopError(_l("This member is already in your circle."), field="email")
    db.session.add(ShopCircle(shop_id=shop.id, user_id=user.id))
    db.session.flush()
    return user


def circle_member(shop, circle_id):
    """The shop's circle entry ``circle_id``, or None if it is not (or no longer) theirs."""
    entry = db.session.get(ShopCircle, circle_id)
    return entry if entry is not None and entry.shop_id == shop.id else None


TEXTS["circle_removed"] = _l(
    "The owner of the shop “%(shop)s” has taken you out of its circle: you no longer see the "
    "listings it shows only to its circle.")


def remove_from_circle(shop, circle_id, *, now):
    """Take a member out of the shop's circle (RANK-1); they are told, as removed staff are
    (:func:`remove_staff`): the shop's listings for its circle vanish from their pages at
    once. Returns the member, or None if the entry was not (or no longer) in this shop's
    circle."""
    entry = circle_member(shop, circle_id)
    if entry is None:
        return None
    user = entry.user
    db.session.delete(entry)
    db.session.flush()
    notify_about(user, "circle_removed", target_type="shop", target_id=shop.id,
                 facts={"shop": shop.name}, now=now)
    return user


def circle_of(shop):
    """Members of the shop's circle."""
    return db.session.scalars(select(ShopCircle).where(ShopCircle.shop_id == shop.id)
                              .order_by(ShopCircle.id)).all()


def set_plan(shop, plan, now, *, admin, ip=""):
    """``admin`` puts a shop on a plan (no payments yet) (SHOP-2), in the audit log as every
    change an admin makes to what a member may do."""
    from app.blueprints.moderation import audit

    if plan not in PLANS:
        raise ShopError(_l("Unknown plan."))
    before = shop.plan
    allowed_before = plans.staff_within_plan(shop)
    shop.plan, shop.updated_at = plan, now
    if before != plan:
        audit.record(admin, "shop.plan", "shop", shop.id, before={"plan": before},
                     after={"plan": plan}, now=now, ip=ip)
    db.session.flush()
    hidden = plans.fit_listings_to_plan(shop, now)
    if before != plan and hidden > 0:
        notify_about(shop.owner, "listings_over_plan", target_type="shop", target_id=shop.id,
                     facts={"shop": shop.name, "plan": plan,
                            "n": shop.plan_limits.max_listings, "over": hidden}, now=now)
    _tell_staff_of_plan(shop, allowed_before, now)
    over = plans.counted_staff(shop) - shop.plan_limits.max_staff
    if before != plan and over > 0:
        notify_about(shop.owner, "staff_over_plan", target_type="shop_staff", target_id=shop.id,
                     facts={"shop": shop.name, "plan": plan,
                            "n": shop.plan_limits.max_staff, "over": over}, now=now)


def _tell_staff_of_plan(shop, allowed_before, now):
    """Staff the new plan pauses, or allows again, are told (SHOP-2), not only the owner."""
    allowed = plans.staff_within_plan(shop)
    changed = (allowed_before - allowed) | (allowed - allowed_before)
    for user in db.session.scalars(select(User).where(User.id.in_(changed))
                                   .order_by(User.id)):
        kind = "staff_paused" if user.id in allowed_before else "staff_resumed"
        notify_about(user, kind, target_type="shop", target_id=shop.id,
                     facts={"shop": shop.name, "plan": shop.plan}, now=now)


def close_shop(shop, now):
    """Close a shop permanently (SHOP-8, a moderator's decision): its listings leave every
    public page and it takes no new ones. Returns the status before; a shop already closed
    is left as it is (``"closed"`` comes back, and the caller tells no one again)."""
    if shop.status == "closed":
        return "closed"
    before, shop.status, shop.updated_at = shop.status, "closed", now
    db.session.flush()
    _settle_fakes_items([shop.id], now)
    return before


def _settle_fakes_items(shop_ids, now):
    """Close the open "shop with fakes" queue items of shops just closed (SHOP-8, MOD-7):
    nothing is left to decide, and deciding "close" again would tell the owner twice."""
    from app.blueprints.moderation import queue

    for shop_id in shop_ids:
        queue.close_open_items("shop", shop_id, None, "shop_closed", now=now,
                               kinds=("shop_fakes",))


def shops_of(user):
    """Shops the member owns or works for."""
    staffed = select(ShopStaff.shop_id).where(ShopStaff.user_id == user.id)
    return db.session.scalars(select(Shop).where(
        (Shop.owner_id == user.id) | Shop.id.in_(staffed)).order_by(Shop.name)).all()


def managed_shop_ids_of(user):
    """Ids of the shops the member owns or is staff of within the plan: the shops whose
    listings, orders and messages they handle (staff paused by a smaller plan: not, SHOP-2)."""
    from app.blueprints.shops.visibility import managed_shop_ids

    return set(db.session.scalars(managed_shop_ids(user)))


def managed_shops(user):
    """The shops of :func:`managed_shop_ids_of`, by name."""
    from app.blueprints.shops.visibility import managed_shop_ids

    return db.session.scalars(select(Shop).where(Shop.id.in_(managed_shop_ids(user)))
                              .order_by(Shop.name)).all()


#: Sections that can be frozen (SHOP-9): opening shops, posting listings, sending messages and
#: starting auctions. The public boards take posts only from the moderation workflow (signs,
#: lift requests an owner has a right to), so they are not frozen here.
SECTIONS = ("shops", "listings", "messages", "auctions")


def freeze_section(section, *, notice_th, notice_en, admin, now):
    """Admin: refuse new posts in ``section``; existing posts stay readable (SHOP-9)."""
    if section not in SECTIONS:
        raise ShopError(_l("Unknown section."), field="section")
    frozen = db.session.scalar(select(FrozenSection).where(FrozenSection.section == section))
    if frozen is None:
        frozen = FrozenSection(section=section)
        db.session.add(frozen)
    frozen.notice_th, frozen.notice_en = notice_th.strip()[:300], notice_en.strip()[:300]
    frozen.frozen_at, frozen.frozen_by_id = now, admin.id
    db.session.flush()
    _audit_section(admin, "section.freeze", frozen,
                   after={"section": section, "notice_th": frozen.notice_th,
                          "notice_en": frozen.notice_en}, now=now)
    return frozen


def unfreeze_section(section, *, admin, now):
    """Admin: accept new posts in ``section`` again. Returns whether it was frozen."""
    frozen = db.session.scalar(select(FrozenSection).where(FrozenSection.section == section))
    if frozen is None:
        return False
    _audit_section(admin, "section.unfreeze", frozen, before={"section": section}, now=now)
    db.session.delete(frozen)
    db.session.flush()
    return True


def _audit_section(admin, action, frozen, *, now, before=None, after=None):
    """An admin's freeze or thaw in the audit log (MOD-10)."""
    from app.blueprints.moderation import audit

    audit.record(admin, action, "section", frozen.id, before=before, after=after, now=now)


def frozen_sections():
    """Every frozen section, by name."""
    return {f.section: f for f in db.session.scalars(select(FrozenSection)).all()}


def close_shops_of(user, now):
    """Close every open shop of ``user`` (their account was closed: MOD-8). Returns how many."""
    shops = db.session.scalars(select(Shop).where(Shop.owner_id == user.id,
                                                  Shop.status == "open")).all()
    for shop in shops:
        shop.status, shop.updated_at = "closed", now
    db.session.flush()
    _settle_fakes_items([shop.id for shop in shops], now)
    return len(shops)
