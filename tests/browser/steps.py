"""Steps the browser journeys share: signing up, logging in, making a photo to upload, and
seeding the live site's database with a script."""
import json
import subprocess

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import REPO_ROOT, VENV_BIN

PASSWORD = "kite-mango-river-42"
ADMIN_PASSWORD = "lotus-temple-bell-77"
#: The environment of each live server by its base URL (``conftest.live_server`` fills it),
#: for steps that read its database: the sign-up link in its outbox (:func:`finish_sign_up`).
LIVE_ENVS = {}


def sign_up(page, base, email, name, birth_date="1985-02-14"):
    """Register through the form and the link mailed to the address (ACC-1); the member is
    logged in afterwards."""
    page.goto(f"{base}/register")
    page.fill("input[name=email]", email)
    page.fill("input[name=display_name]", name)
    page.fill("input[name=birth_date]", birth_date)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_confirm]", PASSWORD)
    page.click("main form button[type=submit]")
    finish_sign_up(page, base, email)
    expect(page.locator("header .account-menu__me")).to_have_text(name)


def finish_sign_up(page, base, email, password=PASSWORD):
    """After the sign-up form ("check your e-mail"): open the link the live site mailed to
    ``email`` (read from its outbox), type the password chosen at sign-up and press the
    button that opens the account."""
    expect(page).to_have_url(f"{base}/register/sent")
    link = seed(LIVE_ENVS[base], f"""
import re
from sqlalchemy import select
from app.models import EmailMessage
body = db.session.scalar(select(EmailMessage.body_text).where(
    EmailMessage.to_address == {email!r}, EmailMessage.kind == "sign_up_confirm")
    .order_by(EmailMessage.id.desc()))
print(json.dumps({{"path": re.search(r"(/register/confirm/\\S+)", body).group(1)}}))
""")["path"]
    page.goto(f"{base}{link}")
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def log_in(page, base, email, password=PASSWORD):
    """Log in through the form and wait until the header shows the member."""
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    expect(page.locator("header .account-menu__me")).to_be_visible()


def open_shop_and_start_a_listing(page, base, name, slug, title, price):
    """Open a shop through its form, then fill in a new listing's title, category and price
    (not sent: the caller adds photos and sends)."""
    page.goto(f"{base}/shops/new")
    page.fill("input[name=name]", name)
    page.fill("input[name=slug]", slug)
    page.click("main form button[type=submit]")
    page.goto(f"{base}/shops/{slug}/listings/new")
    page.fill("input[name=title]", title)
    page.select_option("select[name=category_id]", index=3)
    page.fill("input[name=price]", price)


def image_file(tmp_path, name, color=(230, 230, 240), size=(600, 900)):
    """A JPEG on disk to upload."""
    path = tmp_path / name
    Image.new("RGB", size, color).save(path, "JPEG")
    return str(path)


#: Runs before every seed script: the app's context, ``db``, ``utcnow`` and ``member()``.
SEED_PREAMBLE = f"""
import json
from datetime import date, timedelta
from app import create_app
from app.blueprints.accounts.services import register_member
from app.database import utcnow
from app.extensions import db

app = create_app()
app.app_context().push()
# Every transaction of the script starts as a writer (SQLite BEGIN IMMEDIATE): the live server
# writes meanwhile (its traffic log, say), and a transaction that read first could not write.
db.engine.update_execution_options(sqlite_begin="IMMEDIATE")


def member(email, name):
    return register_member(email=email, password={PASSWORD!r}, display_name=name,
                           birth_date=date(1980, 1, 1), now=utcnow())
"""


def seed(env, script):
    """Run ``script`` (after :data:`SEED_PREAMBLE`) against the live site's database, as its
    own process; returns the JSON object the script printed last."""
    result = subprocess.run([str(VENV_BIN / "python"), "-c", SEED_PREAMBLE + script],
                            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        pytest.fail(f"could not seed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])
