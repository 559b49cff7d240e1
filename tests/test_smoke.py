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
    assert "/market" not in before
    nav = before.split('class="site-nav"')[1].split("</nav>")[0]
    assert 'href="/help/"' in nav  # the help centre exists (HELP-6)
    assert 'href="/help/terms"' in before.split('class="site-footer"')[1]
    app = make_app()
    market_bp = Blueprint("market", __name__, url_prefix="/market")
    market_bp.add_url_rule("/", "index", lambda: "market")
    app.register_blueprint(market_bp)
    after = app.test_client().get("/").get_data(as_text=True)
    nav = after.split('class="site-nav"')[1].split("</nav>")[0]
    assert 'href="/market/"' in nav
