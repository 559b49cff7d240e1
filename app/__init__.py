"""Talat (ตลาด): a Thai community marketplace. ``create_app`` builds the whole site."""
from flask import Flask

from app.config import Config


def create_app(config=None):
    """Build the app: config, extensions, blueprints, hooks, CLI, error pages, template helpers."""
    from app.config import INSTANCE_DIR

    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    app.config.from_object(config or Config())

    from app import models  # noqa: F401  (registers the tables)
    from app.blueprints.accounts.login import init_login
    from app.blueprints.accounts.reset_requests import init_reset_requests
    from app.cli import register_cli
    from app.database import register_engine_hooks
    from app.devices import init_devices
    from app.errors import register_error_handlers
    from app.extensions import babel, csrf, db, limiter, migrate
    from app.i18n import register_filters, select_locale
    from app.live import init_live
    from app.mail import init_mail
    from app.permissions import register_permissions
    from app.security import init_security
    from app.templating import register_template_helpers
    from app.forms import use_fast_html_params
    from app.pagecache import init_page_cache
    from app.traffic import init_traffic_log
    from app.urls import BoundedInt

    db.init_app(app)
    register_engine_hooks(app, db)
    migrate.init_app(app, db, render_as_batch=True, directory=str(_migrations_dir()))
    app.url_map.converters["int"] = BoundedInt  # before any route is added
    limiter.init_app(app)  # before CSRF, so requests refused for CSRF still count
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories="translations")
    init_login(app)
    init_security(app)
    init_traffic_log(app)
    init_mail(app)
    init_reset_requests(app)
    init_page_cache(app)
    init_devices(app)
    init_live(app)

    from app.blueprints.accounts import bp as accounts_bp
    from app.blueprints.admin import bp as admin_bp
    from app.blueprints.auctions import bp as auctions_bp
    from app.blueprints.boards import bp as boards_bp
    from app.blueprints.complaints import bp as complaints_bp
    from app.blueprints.help import bp as help_bp
    from app.blueprints.ip_requests import bp as ip_requests_bp
    from app.blueprints.moderation import bp as moderation_bp
    from app.blueprints.main import bp as main_bp
    from app.blueprints.search import bp as search_bp
    from app.blueprints.shops import bp as shops_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(shops_bp)
    app.register_blueprint(auctions_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(boards_bp)
    app.register_blueprint(complaints_bp)
    app.register_blueprint(help_bp)
    app.register_blueprint(ip_requests_bp)

    register_error_handlers(app)
    register_filters(app)
    register_permissions(app)
    register_template_helpers(app)
    use_fast_html_params()
    register_cli(app)
    return app


def _migrations_dir():
    from app.config import BASE_DIR

    return BASE_DIR / "migrations"
