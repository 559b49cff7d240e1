"""STOP signs in real browsers (AUC-3, MOD-1, MOD-2): a moderator hangs FAKE on an auction
from its page, choosing the kind (the reason template follows) and submitting the compact
form; a member watching the same auction live sees bidding stop at once — the panel says why
and the bid form goes — without a reload; when the sign comes down the form returns."""
import subprocess

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, REPO_ROOT, VENV_BIN
from tests.browser.steps import log_in, sign_up
from tests.browser.test_auction_journey import RECORD, create_auction, csp_violations, open_live

pytestmark = pytest.mark.browser

#: Run in the live server's environment: make the member with this e-mail a moderator.
MAKE_MODERATOR = """
import sys
from datetime import date
from app import create_app
from app.blueprints.accounts.services import register_member
from app.database import utcnow
from app.extensions import db

app = create_app()
with app.app_context():
    db.engine.update_execution_options(sqlite_begin="IMMEDIATE")  # as in steps.SEED_PREAMBLE
    user = register_member(email=sys.argv[1], password="kite-mango-river-42",
                           display_name="Mali Somjai", birth_date=date(1980, 1, 1),
                           now=utcnow())
    user.role = "moderator"
    db.session.commit()
"""


def run(env, script, *args):
    result = subprocess.run([str(VENV_BIN / "python"), "-c", script, *args], cwd=REPO_ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        pytest.fail(f"script failed:\n{result.stdout}\n{result.stderr}")


def test_moderator_hangs_fake_and_a_live_page_stops_bidding_at_once_auc_3(
        browser, live_server, live_env):
    """AUC-3, MOD-1, MOD-2: the sign halts bidding on a page already open, live."""
    problems, contexts = [], []

    def tab(name):
        context = browser.new_context(viewport=DESKTOP, locale="en-GB",
                                      timezone_id="Asia/Bangkok")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.add_init_script(RECORD)
        page.on("console", lambda m: m.type == "error" and problems.append(
            f"{name} console: {m.text}"))
        page.on("pageerror", lambda e: problems.append(f"{name} script: {e}"))
        return page

    try:
        bidder = tab("bidder")
        sign_up(bidder, live_server, "carol@talat.example", "Carol")
        run(live_env, MAKE_MODERATOR, "mali@talat.example")
        moderator = tab("moderator")
        log_in(moderator, live_server, "mali@talat.example")

        auction_id = create_auction(live_env, "Phra Rod, Wat Mahawan")
        url = f"{live_server}/auctions/{auction_id}"
        open_live(bidder, url)
        expect(bidder.locator("#bid-box input[name=amount]")).to_be_visible()

        moderator.goto(url)
        box = moderator.locator("#sign-box")
        moderator.select_option("#sign-box select[name=kind]", "fake")
        # The reason template follows the kind, in the site's default language (Thai).
        expect(box.locator("textarea[name=reason]")).to_have_value(
            "ผู้ดูแลเทียบกับของแท้แล้ว พบว่าเป็นของเลียนแบบ")
        box.locator("textarea[name=reason]").fill("A resin copy of a known piece.")
        box.locator("button[type=submit]").first.click()
        expect(moderator.locator(".sign-panel")).to_contain_text("A resin copy")

        # The member's page, open all along, stops bidding without a reload.
        expect(bidder.locator("[data-halted]")).to_be_visible()
        expect(bidder.locator("#bid-box input[name=amount]")).to_be_hidden()
        assert bidder.evaluate("window.__notReloaded") is True

        # The moderator takes the sign down; bidding returns on the open page.
        moderator.fill("#sign-box textarea[name=end-reason]", "Wrong item, sorry.")
        moderator.click("#sign-box .sign-box__end button[type=submit]")
        expect(moderator.locator(".sign-panel")).to_have_count(0)
        expect(bidder.locator("#bid-box input[name=amount]")).to_be_visible()
        assert bidder.evaluate("window.__notReloaded") is True

        board = tab("visitor")
        board.goto(f"{live_server}/boards/fake-auctions")
        expect(board.locator(".board-post")).to_contain_text("A resin copy")
        problems += csp_violations({"bidder": bidder, "moderator": moderator})
        assert problems == []
    finally:
        for context in contexts:
            context.close()
