"""clinicsite: the website and booking backend of a massage and therapy clinic."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from clinicsite.config import Config, config_from_environment, is_in_memory_sqlite
from clinicsite.extensions import csrf, db, limiter, login_manager, migrate
from clinicsite.sessions import SessionInterface
from clinicsite.static_files import register_static_files
from clinicsite.tzdb import use_pinned_tzdata

# Before any zone is loaded: every worker on every host must agree on what an instant is.
use_pinned_tzdata()


def create_app(config: Config | None = None) -> Flask:
    """Build the application; `config` defaults to the class named by CLINICSITE_ENV."""
    config = config if config is not None else config_from_environment()
    config.validate()

    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    app.config.from_object(config)
    app.config["ENV_NAME"] = config.ENV_NAME
    if not is_in_memory_sqlite(app.config["SQLALCHEMY_DATABASE_URI"]):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            "pool_size": app.config["DATABASE_POOL_SIZE"],
            "max_overflow": app.config["DATABASE_POOL_SIZE"],
        }

    register_proxy_fix(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_page_cache(app)
    register_template_helpers(app)
    register_static_files(app)
    register_commands(app)
    return app


def register_proxy_fix(app: Flask) -> None:
    counts = {
        "x_for": app.config["PROXY_FIX_X_FOR"],
        "x_proto": app.config["PROXY_FIX_X_PROTO"],
        "x_host": app.config["PROXY_FIX_X_HOST"],
    }
    if any(counts.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, **counts)


def register_extensions(app: Flask) -> None:
    from clinicsite import models  # noqa: F401  (registers the tables with the metadata)

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    app.session_interface = SessionInterface()


def register_blueprints(app: Flask) -> None:
    from clinicsite.blog import bp as blog_bp
    from clinicsite.booking import bp as booking_bp
    from clinicsite.giftshop import bp as giftshop_bp
    from clinicsite.media import media_bp
    from clinicsite.my import bp as my_bp
    from clinicsite.newsletter import bp as newsletter_bp
    from clinicsite.public import bp as public_bp
    from clinicsite.shop import bp as shop_bp
    from clinicsite.staff import bp as staff_bp
    from clinicsite.staff.feeds import feeds_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(booking_bp)
    app.register_blueprint(giftshop_bp)
    app.register_blueprint(blog_bp, url_prefix="/blog")
    app.register_blueprint(newsletter_bp)
    app.register_blueprint(staff_bp, url_prefix="/staff")
    app.register_blueprint(feeds_bp)
    app.register_blueprint(media_bp)
    app.register_blueprint(my_bp)
    app.register_blueprint(shop_bp)
    from clinicsite.sms.webhook import bp as sms_bp

    app.register_blueprint(sms_bp)


def register_errorhandlers(app: Flask) -> None:
    from clinicsite.errors import register

    register(app)


def register_security_headers(app: Flask) -> None:
    from clinicsite.security import register

    register(app)


def register_page_cache(app: Flask) -> None:
    from clinicsite import pagecache

    pagecache.register(app)


def register_template_helpers(app: Flask) -> None:
    from clinicsite.templating import register

    register(app)


def register_commands(app: Flask) -> None:
    from clinicsite.cli import newsletter_cli, reminders_cli, seed_demo, staff_cli
    from clinicsite.mail.cli import outbox_cli

    app.cli.add_command(seed_demo)
    app.cli.add_command(staff_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(newsletter_cli)
    from clinicsite.cli import waitlist_cli

    app.cli.add_command(waitlist_cli)
    from clinicsite.cli import giftcards_cli

    app.cli.add_command(giftcards_cli)
    from clinicsite.cli import payments_cli

    app.cli.add_command(payments_cli)
    from clinicsite.cli import calendars_cli

    app.cli.add_command(calendars_cli)
