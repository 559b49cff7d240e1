"""The site starts, serves its pages and reports its health."""


def test_home_page_renders_in_thai_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="th">' in response.get_data(as_text=True)


def test_healthz_answers_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_navigation_shows_only_sections_that_exist(make_app):
    """No link to an empty page: a section joins the menu when its blueprint is registered."""
    from flask import Blueprint

    before = make_app().test_client().get("/").get_data(as_text=True)
    assert 'href="/help/"' not in before and "/market" not in before
    app = make_app()
    help_bp = Blueprint("help", __name__, url_prefix="/help")
    help_bp.add_url_rule("/", "index", lambda: "help")
    help_bp.add_url_rule("/terms", "terms", lambda: "terms")
    app.register_blueprint(help_bp)
    after = app.test_client().get("/").get_data(as_text=True)
    nav = after.split('class="site-nav"')[1].split("</nav>")[0]
    assert 'href="/help/"' in nav
    assert 'href="/help/terms"' in after.split('class="site-footer"')[1]
    assert "/market" not in after
