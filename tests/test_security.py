"""The security baseline: headers, cookies, CSRF on every POST, escaping, error pages."""
import pytest
from flask import abort

from tests.conftest import csrf_from, post_form

POST_ROUTES = ["/register", "/login", "/logout", "/password/forgot", "/language", "/account",
               "/account/password", "/admin/members/1/role", "/admin/login-blocks/1/lift"]


def test_every_page_sends_the_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script_or_style(client):
    html = client.get("/register").get_data(as_text=True)
    assert "<script>" not in html and "onclick=" not in html and "style=" not in html
    assert html.count("<script src=") == 3


def test_session_cookie_is_httponly_and_samesite(client, make_member, login):
    member = make_member()
    login(member.email)
    cookie = client.get_cookie("talat_session")
    assert cookie.http_only and cookie.same_site == "Lax"
    assert not cookie.secure


def test_session_cookie_is_secure_when_served_over_https(client, make_member):
    member = make_member()
    page = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    response = client.post("/login", base_url="https://localhost",
                           headers={"Referer": "https://localhost/login"},
                           data={"csrf_token": csrf_from(page), "email": member.email,
                                 "password": "kite-mango-river-42"})
    assert response.status_code == 302
    assert client.get_cookie("talat_session", domain="localhost").secure


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert "Strict-Transport-Security" in client.get("/", base_url="https://localhost").headers


def test_member_pages_are_not_cached(client, make_member, login):
    member = make_member()
    login(member.email)
    assert client.get("/account").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("url", POST_ROUTES)
def test_every_post_route_refuses_a_missing_csrf_token(client, url):
    response = client.post(url, data={"email": "a@talat.example"})
    assert response.status_code == 400


def test_csrf_failure_page_is_friendly_and_in_thai(client):
    html = client.post("/login", data={}).get_data(as_text=True)
    assert '<html lang="th">' in html
    main = html.split('<main id="content"', 1)[1]
    assert "Traceback" not in main and "CSRF" not in main
    assert "แบบฟอร์มหมดอายุ" in main or "หมดเวลา" in main


def test_htmx_requests_carry_the_csrf_header(client):
    html = client.get("/").get_data(as_text=True)
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def test_csrf_token_in_header_is_accepted_like_htmx_sends_it(client, make_member, login):
    member = make_member()
    login(member.email)
    html = client.get("/").get_data(as_text=True)
    token = html.split('"X-CSRFToken": "')[1].split('"')[0]
    response = client.post("/logout", headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 302


def test_user_text_is_escaped_everywhere_it_is_shown(app, client, make_member, login):
    """A display name is shown escaped (names with markup are refused anyway; this checks
    the templates, bypassing the service)."""
    from app.extensions import db

    member = make_member()
    member.display_name = '<img src=x onerror=alert(1)>'
    db.session.commit()
    login(member.email)
    for url in ["/", "/account", f"/members/{member.id}"]:
        html = client.get(url).get_data(as_text=True)
        assert "<img src=x" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_name_in_a_flashed_message_is_escaped(app, make_member, make_shop, login):
    """A translated notice that names a shop (any characters are allowed in a shop name) is
    shown escaped after the redirect: the admin who sets the shop's plan gets text, not the
    owner's markup. (Lazily translated strings count as safe HTML to Jinja.)"""
    shop = make_shop(name='<a href="//evil.example">Log in again</a>', plan="starter")
    admin = make_member(role="admin")
    client = app.test_client()
    login(admin.email, target=client)
    url = f"/shops/{shop.slug}/plan"
    response = post_form(client, url, {"plan": "premium"}, form_url=f"/shops/{shop.slug}",
                         follow_redirects=True)
    html = response.get_data(as_text=True)
    notice = html.split('class="alert alert--success"')[1].split("</p>")[0]
    assert "&lt;a href=&#34;//evil.example&#34;&gt;Log in again&lt;/a&gt;" in notice
    assert '<a href="//evil.example">' not in html
    assert "&amp;lt;" not in notice  # escaped once, not twice


def test_a_value_put_into_a_lazy_message_is_escaped_wherever_it_is_shown(app):
    """Found in review: a lazily translated message counts as safe HTML to Jinja, so a
    member's words put into one reached the page as HTML wherever it was shown (a form error,
    a notice). Its values are escaped; its own words, and numbers, are kept as they are."""
    from flask import render_template_string
    from flask_babel import lazy_gettext as _l
    from flask_babel import lazy_ngettext
    from markupsafe import Markup

    with app.test_request_context("/"):
        shown = render_template_string("{{ m }}", m=_l("Welcome, %(name)s", name='<b>"x"</b>'))
        assert "&lt;b&gt;&#34;x&#34;&lt;/b&gt;" in shown and "<b>" not in shown
        assert "3" in render_template_string(
            "{{ m }}", m=lazy_ngettext("%(num)d bid", "%(num)d bids", 3))
        ours = _l("Welcome, %(name)s", name=Markup("<b>ours</b>"))
        assert render_template_string("{{ m }}", m=ours).count("<b>") == 1
        assert str(_l("Welcome, %(name)s", name="<b>")).endswith("<b>")  # as text: unchanged


@pytest.mark.parametrize("status", [400, 403, 404, 405, 413, 429, 500])
def test_error_pages_exist_in_both_languages_and_leak_nothing(make_app, status):
    app = make_app()
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom/<int:code>")
    def boom(code):
        if code == 500:
            raise RuntimeError("secret internal detail")
        abort(code)

    client = app.test_client()
    thai = client.get(f"/boom/{status}")
    client.set_cookie("lang", "en")
    english = client.get(f"/boom/{status}")
    assert thai.status_code == english.status_code == status
    thai_html, english_html = thai.get_data(as_text=True), english.get_data(as_text=True)
    assert '<html lang="th">' in thai_html and '<html lang="en">' in english_html
    assert thai_html != english_html
    for html in (thai_html, english_html):
        assert "secret internal detail" not in html and "Traceback" not in html


def test_error_fragment_for_htmx_is_not_a_whole_page(client):
    response = client.get("/no-such-page", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert "<html" not in response.get_data(as_text=True)


def test_oversized_request_gets_413(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    client = app.test_client()
    response = client.post("/login", data={"email": "a" * 4096})
    assert response.status_code == 413


def test_language_switch_only_redirects_within_the_site(client):
    response = post_form(client, "/language", {"lang": "en", "next": "https://evil.example/"},
                         form_url="/")
    assert response.headers["Location"] == "/"


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    from app.config import Config, ConfigError

    monkeypatch.setenv("TALAT_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        Config()
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ConfigError):
        Config()
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("SITE_URL", raising=False)
    with pytest.raises(ConfigError):  # e-mailed links need the real public address
        Config()
    monkeypatch.setenv("SITE_URL", "https://talat.example.org/")
    config = Config()
    assert config.SESSION_COOKIE_SECURE
    assert config.SITE_URL == "https://talat.example.org"


def test_htmx_request_without_login_is_sent_to_the_login_page_whole(client):
    response = client.get("/account", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/login?next=")


def test_error_page_falls_back_to_a_plain_page_when_the_layout_fails(make_app):
    app = make_app()
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken_navigation():
        raise RuntimeError("database is down")

    app.jinja_env.globals["navigation"] = broken_navigation
    response = app.test_client().get("/no-such-page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "error-page__code" in html and "database is down" not in html
    assert "HX-Request" in response.headers["Vary"]
