"""Finding a member by name on the admin's pages (found in review): the members-and-roles
search and the audit log's "who" filter missed Thai names with SARA AM ("ำ", as in น้ำ, ทำ,
คำ), which display names keep as NFKC writes them (two characters), and the audit filter
missed a name typed in another letter case or with a double space."""
from app.blueprints.admin.services import find_members
from app.extensions import db


def test_the_members_search_finds_a_thai_name_with_sara_am_acc_2(app, make_member):
    """ACC-2: the admin finds "น้ำทิพย์ ทำดี" by "น้ำทิพย์" or "ทำดี" as typed (one
    character ำ), and with spaces doubled; the e-mail still matches in any letter case."""
    member = make_member(display_name="น้ำทิพย์ ทำดี", email="namthip@talat.example")
    make_member(display_name="Somebody Else")
    for typed in ["น้ำทิพย์", "ทำดี", "น้ำทิพย์  ทำดี", " NAMTHIP@ "]:
        assert [found.id for found in find_members(typed)] == [member.id], typed


def test_the_audit_logs_who_filter_finds_a_name_as_typed_mod_10(make_member, client_for):
    """MOD-10: the audit log, filtered by who acted, finds an admin by a name with ำ and in
    another letter case, not only by the name exactly as stored."""
    admin = make_member(role="admin", display_name="Kham Boss ทำงาน")
    other = make_member(role="admin", display_name="Other Boss")
    target = make_member(display_name="Target Member")
    from app.blueprints.admin.services import set_role
    from app.database import utcnow

    set_role(target, "moderator", by=admin, now=utcnow())
    db.session.commit()
    client = client_for(other)
    for typed in ["Kham Boss ทำงาน", "kham boss  ทำงาน"]:
        html = client.get("/moderation/audit", query_string={"actor": typed}).get_data(
            as_text=True)
        assert "No entries match." not in html and "<tbody>" in html, typed
    html = client.get("/moderation/audit", query_string={"actor": "Nobody Here"}).get_data(
        as_text=True)
    assert "No entries match." in html  # (the filter filters)
