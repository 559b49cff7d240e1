"""MOD-10 (found in review): admins' actions were missing from the audit log. A role change,
a word added to or taken off the prohibited list, a section frozen and thawed and a login block
lifted each leave an entry with what changed."""
from datetime import timedelta

from sqlalchemy import select

from app.database import utcnow
from app.extensions import db
from app.models import AuditEntry, LoginBlock, ProhibitedTerm
from tests.conftest import post_form


def entries():
    db.session.expire_all()
    return {e.action: e for e in db.session.scalars(select(AuditEntry))}


def test_admins_changes_are_in_the_audit_log_mod_10(make_member, client_for):
    admin = make_member(display_name="Chief Keeper", role="admin")
    member = make_member(display_name="Somchai")
    block = LoginBlock(ip="203.0.113.9", blocked_until=utcnow() + timedelta(hours=1))
    db.session.add(block)
    db.session.commit()
    client = client_for(admin)

    post_form(client, f"/admin/members/{member.id}/role", {"role": "moderator"},
              form_url="/admin/members")
    post_form(client, "/admin/prohibited", {"term": "กระดูกเสือ", "action": "refuse",
                                             "group_th": "สัตว์คุ้มครอง",
                                             "group_en": "Protected wildlife"})
    term = db.session.scalar(select(ProhibitedTerm).where(ProhibitedTerm.term == "กระดูกเสือ"))
    post_form(client, f"/admin/prohibited/{term.id}/delete", {}, form_url="/admin/prohibited")
    post_form(client, "/admin/sections/messages/freeze", {"notice_th": "ปิดปรับปรุง",
                                                          "notice_en": "Paused"},
              form_url="/admin/sections")
    post_form(client, "/admin/sections/messages/unfreeze", {}, form_url="/admin/sections")
    post_form(client, f"/admin/login-blocks/{block.id}/lift", {}, form_url="/admin/login-blocks")

    logged = entries()
    assert {"user.role", "prohibited.add", "prohibited.remove", "section.freeze",
            "section.unfreeze", "login_block.lift"} <= set(logged)
    role = logged["user.role"]
    assert (role.actor_id, role.target_id) == (admin.id, member.id)
    assert '"moderator"' in role.after and '"member"' in role.before
    assert "กระดูกเสือ" in logged["prohibited.remove"].before
    assert "203.0.113.9" in logged["login_block.lift"].before
    page = client.get("/moderation/audit")
    assert page.status_code == 200
    assert "login_block.lift" in page.get_data(as_text=True) or "203.0.113.9" in page.get_data(
        as_text=True)


def test_moments_in_the_audit_log_are_shown_in_bangkok_time_mod_10(make_member, client_for):
    """Found in review: the values before and after showed UTC ("02:31:33+00:00")."""
    from datetime import datetime, timezone

    from app.blueprints.moderation import audit

    admin = make_member(display_name="Chief Keeper", role="admin")
    audit.record(admin, "test.moment", "user", admin.id,
                 after={"hidden_at": datetime(2026, 11, 23, 2, 31, 33, tzinfo=timezone.utc)},
                 now=utcnow())
    db.session.commit()
    client = client_for(admin)
    client.set_cookie("lang", "en")
    page = client.get("/moderation/audit").get_data(as_text=True)
    assert ">Hidden at</span>: 23 Nov 2026, 09:31" in page and "+00:00" not in page
