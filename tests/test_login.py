"""Log-in, log-out and sessions (ACC-1) and the per-address lockout (ACC-4)."""
from datetime import timedelta

from sqlalchemy import func, select

from app.blueprints.accounts import lockout
from app.database import utcnow
from app.extensions import db
from app.models import LoginBlock, LoginSession
from tests.conftest import post_form


def test_login_with_correct_password_starts_a_session_acc_1(client, make_member, login):
    """ACC-1: log in."""
    member = make_member(display_name="Lek Amulets")
    response = login(member.email)
    assert response.status_code == 302
    assert "Lek Amulets" in client.get("/").get_data(as_text=True)
    assert db.session.scalar(select(func.count(LoginSession.id))) == 1


def test_login_email_is_case_insensitive_acc_1(client, make_member, login):
    make_member(email="lek@talat.example")
    assert login("LEK@talat.example").status_code == 302


def test_wrong_password_gives_one_message_for_both_cases_acc_1(client, make_member, login):
    """ACC-1: the message does not reveal whether the e-mail exists."""
    member = make_member()
    client.set_cookie("lang", "en")
    wrong_password = login(member.email, password="not-the-password-9")
    unknown_email = login("nobody@talat.example")
    assert wrong_password.status_code == unknown_email.status_code == 422
    for response in (wrong_password, unknown_email):
        assert "e-mail address or password is incorrect" in response.get_data(as_text=True)


def test_logout_really_ends_the_session_on_the_server_acc_1(app, client, make_member, login):
    """ACC-1: a copied cookie is worthless after logout."""
    member = make_member(display_name="Lek Amulets")
    login(member.email)
    stolen = client.get_cookie("talat_session").value
    response = post_form(client, "/logout", {}, form_url="/")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(LoginSession.id))) == 0
    thief = app.test_client()
    thief.set_cookie("talat_session", stolen)
    assert "Lek Amulets" not in thief.get("/").get_data(as_text=True)
    assert thief.get("/account").status_code == 302


def test_logout_needs_a_post_with_csrf(client, make_member, login):
    member = make_member()
    login(member.email)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert db.session.scalar(select(func.count(LoginSession.id))) == 1


def test_remember_me_makes_a_lasting_cookie_acc_1(client, make_member, login):
    member = make_member()
    login(member.email, remember=True)
    cookie = client.get_cookie("talat_session")
    assert cookie.expires is not None
    session = db.session.scalar(select(LoginSession))
    assert session.remember
    assert session.expires_at - utcnow() > timedelta(days=29)


def test_without_remember_me_the_cookie_ends_with_the_browser(client, make_member, login):
    member = make_member()
    login(member.email)
    assert client.get_cookie("talat_session").expires is None


def test_expired_session_is_not_accepted(client, make_member, login):
    member = make_member()
    login(member.email)
    db.session.execute(LoginSession.__table__.update().values(
        expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get("/account").status_code == 302


def test_next_parameter_only_redirects_within_the_site(client, make_member):
    member = make_member()
    for target, expected in [("/account", "/account"), ("https://evil.example/", "/"),
                             ("//evil.example", "/"), ("/\\evil.example", "/")]:
        client.delete_cookie("talat_session")
        response = post_form(client, f"/login?next={target}",
                             {"email": member.email, "password": "kite-mango-river-42"})
        assert response.status_code == 302
        assert response.headers["Location"] == expected, target


def fail_logins(client, email, times, ip="203.0.113.7"):
    last = None
    for _ in range(times):
        last = post_form(client, "/login", {"email": email, "password": "wrong-password-00"},
                         environ_base={"REMOTE_ADDR": ip})
    return last


def test_more_than_ten_failures_block_the_address_acc_4(client, make_member):
    """ACC-4: the 11th failed log-in from one address blocks that address."""
    member = make_member()
    client.set_cookie("lang", "en")
    tenth = fail_logins(client, member.email, 10)
    assert tenth.status_code == 422
    eleventh = fail_logins(client, member.email, 1)
    assert eleventh.status_code == 429
    assert "Too many failed log-ins" in eleventh.get_data(as_text=True)
    right_password = post_form(client, "/login", {"email": member.email,
                                                  "password": "kite-mango-river-42"},
                               environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert right_password.status_code == 429


def test_block_does_not_lock_the_member_out_from_another_address_acc_4(app, client, make_member):
    """ACC-4: an attacker cannot lock a member out of their own network."""
    member = make_member()
    fail_logins(client, member.email, 11, ip="203.0.113.7")
    home = app.test_client()
    response = post_form(home, "/login", {"email": member.email,
                                          "password": "kite-mango-river-42"},
                         environ_base={"REMOTE_ADDR": "198.51.100.20"})
    assert response.status_code == 302


def test_block_ends_by_itself_after_the_block_period_acc_4(app, make_member):
    member = make_member()
    now = utcnow()
    for i in range(11):
        block = lockout.record_failure("203.0.113.9", member.email, now + timedelta(seconds=i))
    assert block is not None
    assert lockout.active_block("203.0.113.9", now) is not None
    later = now + timedelta(minutes=app.config["LOGIN_BLOCK_MINUTES"], seconds=30)
    assert lockout.active_block("203.0.113.9", later) is None


def test_failures_outside_the_window_do_not_count_acc_4(app, make_member):
    member = make_member()
    start = utcnow()
    window = timedelta(minutes=app.config["LOGIN_FAILURE_WINDOW_MINUTES"])
    for i in range(10):
        lockout.record_failure("203.0.113.10", member.email, start + timedelta(seconds=i))
    after_window = start + window + timedelta(minutes=1)
    assert lockout.record_failure("203.0.113.10", member.email, after_window) is None


def test_admin_can_lift_a_block_acc_4(app, client, make_member, login):
    """ACC-4: an admin lifts the block early; the address may log in again."""
    member = make_member()
    admin = make_member(role="admin")
    attacker = app.test_client()
    fail_logins(attacker, member.email, 11, ip="203.0.113.7")
    block = db.session.scalar(select(LoginBlock))
    login(admin.email)
    page = client.get("/admin/login-blocks").get_data(as_text=True)
    assert "203.0.113.7" in page
    response = post_form(client, f"/admin/login-blocks/{block.id}/lift", {},
                         form_url="/admin/login-blocks")
    assert response.status_code == 302
    db.session.expire_all()
    assert lockout.active_block("203.0.113.7", utcnow()) is None
    again = post_form(attacker, "/login", {"email": member.email,
                                           "password": "kite-mango-river-42"},
                      environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert again.status_code == 302


def test_members_cannot_lift_blocks_acc_4(client, make_member, login):
    member = make_member()
    block = LoginBlock(ip="203.0.113.7", blocked_until=utcnow() + timedelta(hours=1), failures=11)
    db.session.add(block)
    db.session.commit()
    login(member.email)
    response = post_form(client, f"/admin/login-blocks/{block.id}/lift", {}, form_url="/")
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(LoginBlock, block.id).lifted_at is None


def test_block_message_says_until_when_in_bangkok_time_acc_4(client, make_member):
    member = make_member()
    client.set_cookie("lang", "en")
    html = fail_logins(client, member.email, 11).get_data(as_text=True)
    block = db.session.scalar(select(LoginBlock))
    from app.i18n import format_datetime

    assert format_datetime(block.blocked_until, "en") in html
    assert "another network" in html


def test_old_failures_and_blocks_are_purged_by_the_job(app, make_member):
    member = make_member()
    long_ago = utcnow() - timedelta(days=40)
    for i in range(11):
        lockout.record_failure("203.0.113.11", member.email, long_ago + timedelta(seconds=i))
    db.session.commit()
    from app.jobs import purge_sessions

    assert purge_sessions(app, utcnow()) == 12  # 11 failures and the block they caused
    assert db.session.scalar(select(func.count(LoginBlock.id))) == 0


def test_ipv6_failures_count_per_64_network_acc_4(app, make_member):
    """ACC-4: an attacker cannot dodge the block by rotating addresses inside one /64."""
    member = make_member()
    now = utcnow()
    block = None
    for i in range(11):
        block = lockout.record_failure(f"2001:db8:1:2::{i + 1:x}", member.email,
                                       now + timedelta(seconds=i))
    assert block is not None and block.ip == "2001:db8:1:2::/64"
    assert lockout.active_block("2001:db8:1:2:ffff::1", now) is not None
    assert lockout.active_block("2001:db8:1:3::1", now) is None


def test_lift_block_command_acc_4(app, runner, make_member):
    member = make_member()
    for _ in range(11):
        lockout.record_failure("203.0.113.50", member.email, utcnow())
    db.session.commit()
    result = runner.invoke(args=["users", "lift-block", "203.0.113.50"])
    assert "Lifted 1 block" in result.output
    assert lockout.active_block("203.0.113.50", utcnow()) is None


def test_login_discards_what_the_session_held_before_acc_1(client, make_member, login):
    """A new session on login: nothing planted in the visitor's session survives it."""
    member = make_member()
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(member.email)
    with client.session_transaction() as session:
        assert "planted" not in session
    first_token = db.session.scalar(select(LoginSession.token_hash))
    post_form(client, "/logout", {}, form_url="/")
    login(member.email)
    assert db.session.scalar(select(LoginSession.token_hash)) != first_token


def test_a_form_sent_while_logged_out_comes_back_to_its_page_after_login_acc_1(
        client, make_member, make_auction):
    """ACC-1 (found in review): a visitor (or a member whose session had ended) who pressed a
    button such as Watch was sent to log in with ``next`` set to the button's POST-only
    address, and after logging in landed on a 405 "Not allowed" page; they come back to the
    page the button was on, with or without htmx (never to another site)."""
    from tests.conftest import csrf_from

    member = make_member()
    auction = make_auction()
    page = f"/auctions/{auction.id}"
    token = csrf_from(client.get(page).get_data(as_text=True))
    plain = client.post(f"{page}/watch", data={"csrf_token": token},
                        headers={"Referer": f"http://localhost{page}"})
    assert plain.headers["Location"] == f"/login?next={page}"
    htmx = client.post(f"{page}/watch", data={"csrf_token": token}, headers={
        "HX-Request": "true", "HX-Current-URL": f"http://localhost{page}?tab=bids"})
    assert htmx.headers["HX-Redirect"] == f"/login?next={page}?tab%3Dbids"
    foreign = client.post(f"{page}/watch", data={"csrf_token": token},
                          headers={"Referer": "https://evil.example/auctions/1"})
    assert foreign.headers["Location"] == "/login"
    response = post_form(client, plain.headers["Location"],
                         {"email": member.email, "password": "kite-mango-river-42"})
    assert response.headers["Location"] == page
    assert client.get(response.headers["Location"]).status_code == 200


def test_an_expired_log_in_form_comes_back_filled_in_acc_1(client, make_member):
    """ACC-1 (found in review): a log-in form left open past its token's life gave a bare
    "form expired" page. It comes back with the e-mail kept (never the password), a fresh
    token and a message; nothing was done, and sent again it logs in."""
    from tests.conftest import csrf_from

    member = make_member()
    client.set_cookie("lang", "en")
    response = client.post("/login?next=/account", data={
        "csrf_token": "expired", "email": member.email, "password": "kite-mango-river-42"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The form had expired, so nothing was sent" in html
    assert f'value="{member.email}"' in html and "kite-mango-river-42" not in html
    assert db.session.scalar(select(func.count(LoginSession.id))) == 0
    again = client.post("/login?next=/account", data={
        "csrf_token": csrf_from(html), "email": member.email,
        "password": "kite-mango-river-42"})
    assert again.status_code == 302 and again.headers["Location"] == "/account"


def test_log_out_with_a_stale_token_offers_a_working_log_out_button_acc_1(
        client, make_member, login):
    """ACC-1 (found in review): log-out from a page open past the token's life showed "form
    expired" and left the member logged in (on a shared computer). It now offers a fresh
    log-out button that works; the stale (or forged cross-site) post itself logs nobody
    out."""
    from tests.conftest import csrf_from

    member = make_member()
    login(member.email)
    response = client.post("/logout", data={"csrf_token": "expired"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "data-logout-again" in html
    assert client.get("/account").status_code == 200  # not logged out silently
    done = client.post("/logout", data={"csrf_token": csrf_from(html)})
    assert done.status_code == 302
    assert client.get("/account").status_code == 302
    assert db.session.scalar(select(func.count(LoginSession.id))) == 0
