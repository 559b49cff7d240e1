"""The audit log's values before and after in the reader's language (MOD-10): the entries are
made by real actions (a sign hung, a sanction imposed, a complaint decided in the queue, a
counter-statement accepted, a plan changed), then read by an admin in English and in Thai.
Codes are shown by the names the app already gives them, the code kept in the title; true
and false as yes and no, satang as baht, moments in Bangkok time. On both databases."""
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.blueprints.moderation import audit
from app.database import utcnow
from app.i18n import format_datetime
from app.extensions import db
from app.models import AuditEntry, CounterStatement
from tests.complaint_helpers import item_of, make_complaint
from tests.conftest import csrf_from, post_form
from tests.queue_helpers import HTMX, decide

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def logged(make_member, make_listing, make_shop, moderator, client_for):
    """Entries made through the pages, as moderators and an admin make them."""
    from app.blueprints.complaints import counter

    admin = make_member(display_name="Chief Keeper", role="admin")
    mod = client_for(moderator)
    signed = make_listing(title="Signed amulet")
    box = mod.get(f"/moderation/signs/listing/{signed.id}?kind=fake", headers=HTMX)
    response = mod.post(f"/moderation/signs/listing/{signed.id}", headers=HTMX, data={
        "csrf_token": csrf_from(box.get_data(as_text=True)), "kind": "fake",
        "reason": "Copy of a known piece.", "decision_basis": ""})
    assert response.status_code == 204
    member = make_member(display_name="Fined Member")
    url = f"/moderation/members/{member.id}"
    for values in ({"kind": "fine", "rule": "MKT-6", "facts": "Late twice.", "fine": "1500"},
                   {"kind": "suspension", "rule": "MKT-6", "facts": SCRIPT, "days": "7"}):
        assert post_form(mod, f"{url}/sanctions", values, form_url=url).status_code == 302
    complained = make_listing(title="Complained amulet")
    complaint = make_complaint(complained)
    response = decide(mod, item_of("complaint", complaint.id), "uphold",
                      reason="Counterfeit.", rule="SHOP-4")
    assert response.status_code == 200
    target = complaint.targets[0]
    statement = counter.file_counter(target, complained.shop.owner, "Mine.", now=utcnow())
    db.session.commit()
    counter.decide(statement, moderator, "restored", "", now=utcnow())
    db.session.commit()
    shop = make_shop(plan="standard")
    assert post_form(client_for(admin), f"/shops/{shop.slug}/plan", {"plan": "premium"},
                     form_url=f"/shops/{shop.slug}").status_code == 302
    return client_for(admin), statement


def values_of(page, action):
    """The before and after cells of the newest entry of ``action`` on the page."""
    row = re.search(rf"<tr data-entry=\"\d+\">(?:(?!</tr>).)*data-action=\"{re.escape(action)}\""
                    r"(?:(?!</tr>).)*</tr>", page, re.S)
    assert row, f"no {action} entry"
    return row.group(0)


def test_values_are_named_in_english_mod_10(app, logged):
    """MOD-10: English: a sign's kind, a sanction's kind, a queue decision, a complaint's
    status, a page's outcome, a plan, a listing's status by name; yes/no; baht; Bangkok
    time; the stored code in the title."""
    client, statement = logged
    client.set_cookie("lang", "en")
    page = client.get("/moderation/audit").get_data(as_text=True)
    sign = values_of(page, "sign.hang")
    assert '<span title="fake">FAKE</span>' in sign and '<span title="null">—</span>' in sign
    assert "</span>: Moderators&#39; own finding\n" in sign  # an empty code: no title
    fine = [row for row in re.findall(r"<tr data-entry.*?</tr>", page, re.S)
            if 'data-action="sanction.add"' in row and "฿" in row]
    assert len(fine) == 1
    assert '<span title="fine">Fine</span>' in fine[0]
    assert '<span title="150000">฿1,500</span>' in fine[0]
    assert '<span title="false">no</span>' in fine[0]
    suspension = values_of(page, "sanction.add")  # the newest: the suspension
    assert '<span title="suspension">Temporary suspension</span>' in suspension
    ends_at = audit.values(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "sanction.add").order_by(AuditEntry.id.desc())).first(),
        "after")["ends_at"]
    shown = format_datetime(datetime.fromisoformat(ends_at), "en")
    assert f'<span title="ends_at">Ends at</span>: {shown}\n' in suspension
    assert "+00:00" not in page and ">True<" not in page and ">False<" not in page
    assert '<span title="uphold">Uphold and hide</span>' in values_of(page, "queue.uphold")
    assert '<span title="upheld">Upheld</span>' in values_of(page, "complaint.uphold")
    hide = values_of(page, "complaint.hide")
    assert '<span title="hidden">Hidden</span>' in hide
    assert '<span title="restore_to">Status to restore</span>: <span title="active">On sale' in hide
    restored = values_of(page, "complaint.restored")
    assert restored.count('<span title="restored">restored</span>') == 2  # decision, outcome
    plan = values_of(page, "shop.plan")
    assert '<span title="standard">Standard</span>' in plan
    assert '<span title="premium">Premium</span>' in plan
    assert SCRIPT not in page


def test_values_are_named_in_thai_mod_10(app, logged):
    """MOD-10: the same entries read in Thai show Thai names, never the English ones."""
    from flask_babel import force_locale, gettext

    client, statement = logged
    client.set_cookie("lang", "th")
    page = client.get("/moderation/audit").get_data(as_text=True)
    with force_locale("th"):
        fake, fine, uphold, upheld, no, premium = (gettext(text) for text in (
            "FAKE", "Fine", "Uphold and hide", "Upheld", "no", "Premium"))
    assert fake != "FAKE" and uphold != "Uphold and hide" and no != "no"
    assert f'<span title="fake">{fake}</span>' in values_of(page, "sign.hang")
    assert f'<span title="fine">{fine}</span>' in page
    assert f'<span title="false">{no}</span>' in page
    assert '<span title="150000">฿1,500</span>' in page
    assert f'<span title="uphold">{uphold}</span>' in values_of(page, "queue.uphold")
    assert f'<span title="upheld">{upheld}</span>' in values_of(page, "complaint.uphold")
    assert f'<span title="premium">{premium}</span>' in values_of(page, "shop.plan")
    suspension = values_of(page, "sanction.add")
    assert re.search(r"</span>: \d{1,2} \S+ 25\d\d \d\d:\d\d\u00a0น\.\n", suspension)  # B.E.
    # (Plan names are the same in Thai: the shop plans keep their English names.)
    for english in (">FAKE<", ">Uphold and hide<", ">Upheld<", ">no<",
                    ">Temporary suspension<"):
        assert english not in page


def test_a_decision_is_named_by_its_items_kind_mod_10(app, make_member, client_for):
    """MOD-10: "uphold" on a complaint and on an appeal are different decisions; each entry
    is named by its own item's kind. An unknown code stays as it is, escaped."""
    from app.blueprints.moderation import queue

    admin = make_member(role="admin")
    now = utcnow()
    complaint_item = queue.open_item("complaint", "complaint", 1, now=now)
    appeal_item = queue.open_item("appeal", "sanction", 1, now=now)
    db.session.flush()
    for item in (complaint_item, appeal_item):
        audit.record(admin, "queue.uphold", "review_item", item.id,
                     after={"decision": "uphold", "odd": SCRIPT}, now=now - timedelta(1))
    db.session.commit()
    client = client_for(admin)
    client.set_cookie("lang", "en")
    page = client.get("/moderation/audit").get_data(as_text=True)
    assert '<span title="uphold">Uphold and hide</span>' in page
    assert '<span title="uphold">Uphold the sanction</span>' in page
    assert SCRIPT not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_log_itself_keeps_the_codes_mod_10(app, logged):
    """MOD-10: the log itself still stores the codes (only the page names them)."""
    client, statement = logged
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "complaint.restored"))
    assert '"outcome": "restored"' in entry.after
    assert db.session.get(CounterStatement, statement.id).decision == "restored"


def test_a_queue_decision_names_the_sanction_it_imposed_mod_10(app, make_member, moderator,
                                                               client_for):
    """Found in review (MOD-10): a warning or a sanction decided on a report in the queue
    keeps the sanction's kind in its entry; it was shown as the raw field and code ("sanction:
    warning") on the Thai page, as was a hidden post's number."""
    from flask_babel import force_locale, gettext

    from app.blueprints.moderation import audit_words, queue
    from app.models import ReviewItem

    admin = make_member(role="admin")
    reported = make_member(display_name="Reported Member")
    queue.open_item("report", "user", reported.id, now=utcnow(), report=True,
                    subject_user_id=reported.id)
    db.session.commit()
    item = db.session.scalar(select(ReviewItem).where(ReviewItem.target_id == reported.id))
    assert decide(client_for(moderator), item, "warn", rule="MKT-6",
                  facts="Rude messages.").status_code == 200
    client = client_for(admin)
    client.set_cookie("lang", "th")
    row = values_of(client.get("/moderation/audit").get_data(as_text=True), "queue.warn")
    with force_locale("th"):
        sanction, warning = gettext("Sanction"), gettext("Warning")
        post = audit_words.names()[1]["board_post_id"]  # (a post hidden from the queue)
    assert f'<span title="sanction">{sanction}</span>: <span title="warning">{warning}</span>' \
        in row
    assert "sanction: warning" not in row
    assert post != "Board post no." and post != "board_post_id"


def test_auction_rights_and_site_settings_are_named_mod_10(app, make_member, moderator,
                                                          client_for):
    """Found in review (MOD-10): a member's auction rights revoked from the queue showed
    "suspended" and "revoked" in English on the Thai page, and a changed site setting its
    internal key ("complaints.suspend_after"); both are named as the app names them."""
    from flask_babel import force_locale, gettext

    from app.blueprints.complaints import settings
    from app.blueprints.moderation import queue
    from app.models import ReviewItem, User

    admin = make_member(role="admin")
    member = make_member(display_name="Many Strikes")
    db.session.get(User, member.id).auction_rights = "suspended"
    queue.open_item("strike_revoke", "user", member.id, now=utcnow(), subject_user_id=member.id)
    db.session.commit()
    item = db.session.scalar(select(ReviewItem).where(ReviewItem.kind == "strike_revoke"))
    assert decide(client_for(moderator), item, "revoke",
                  reason="Six FAKE signs.").status_code == 200
    settings.set_int("complaints.suspend_after", 5, admin, now=utcnow())
    db.session.commit()
    client = client_for(admin)
    client.set_cookie("lang", "th")
    page = client.get("/moderation/audit").get_data(as_text=True)
    rights = values_of(page, "user.auction_rights")
    with force_locale("th"):
        suspended, revoked = gettext("Suspended for now"), gettext("Revoked for good")
        setting = str(settings.SETTINGS["complaints.suspend_after"][-1])
    assert f'<span title="suspended">{suspended}</span>' in rights
    assert f'<span title="revoked">{revoked}</span>' in rights
    changed = values_of(page, "setting.change")
    assert f'<span title="complaints.suspend_after">{setting}</span>: 3' in changed
    assert f'<span title="complaints.suspend_after">{setting}</span>: 5' in changed


def test_notes_the_site_writes_itself_are_read_in_the_readers_language_mod_10(
        app, make_member, make_auction, moderator, client_for):
    """MOD-10 (found in review): the notes the site writes itself ("automatic at 3 strikes
    (AUC-4)" on the suspension three FAKE signs impose, "complaint #N" on a page a complaint
    hid, "automatic" on an IP-address request closed by the clock) were English on Thai
    pages; they are read in the reader's language, and a moderator's own words as typed."""
    from flask_babel import force_locale, gettext

    from app.blueprints.moderation import signs

    seller = make_member()
    for _ in range(3):
        signs.hang_sign("auction", make_auction(seller=seller).id, "fake", moderator,
                        "A copy.", now=utcnow())
        db.session.commit()
    complained = make_complaint(make_auction())
    assert decide(client_for(moderator), item_of("complaint", complained.id), "uphold",
                  reason="Counterfeit.", rule="SHOP-4").status_code == 200
    audit.record(moderator, "ip_request.close", "ip_request", 1, note="automatic",
                 now=utcnow())
    audit.record(moderator, "user.rename", "user", seller.id, note="complaint #7 <b>x</b>",
                 now=utcnow())
    db.session.commit()
    admin = client_for(make_member(role="admin"))
    admin.set_cookie("lang", "th")
    page = admin.get("/moderation/audit").get_data(as_text=True)
    with force_locale("th"):
        strikes = gettext("automatic at %(n)s strikes (AUC-4)", n=3)
        complaint = gettext("complaint #%(n)s", n=complained.id)
        automatic = gettext("automatic")
        label = gettext("Note")
    assert "strikes" not in strikes and "complaint" not in complaint and automatic != "automatic"
    assert f'<td class="audit-note" data-label="{label}">{strikes}</td>' in page
    assert f'<td class="audit-note" data-label="{label}">{complaint}</td>' in page
    assert f'<td class="audit-note" data-label="{label}">{automatic}</td>' in page
    assert "complaint #7 &lt;b&gt;x&lt;/b&gt;" in page  # typed words: as typed, escaped
    admin.set_cookie("lang", "en")
    page = admin.get("/moderation/audit").get_data(as_text=True)
    assert '<td class="audit-note" data-label="Note">automatic at 3 strikes (AUC-4)</td>' in page
    assert f'<td class="audit-note" data-label="Note">complaint #{complained.id}</td>' in page
