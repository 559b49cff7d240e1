"""SHOP-2 (found in review): a plan value that is none of the plans (a tampered form, a page
opened before a plan was withdrawn) was dropped without a word: the admin's "Set plan" reloaded
the shop's page as if it were done. It is refused on the plan menu, nothing is stored, and the
menu shows the plan the shop keeps. The open-shop form has no plan to choose (every shop opens
on Starter, as it says), so a plan slipped into it is not read."""
import re
from html import unescape

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Notification, Shop
from tests.conftest import post_form

UNKNOWN = "Choose one of the plans in the list: the plan sent is not one of them"


def _plan_menu(html):
    return re.search(r'<select[^>]*name="plan"[^>]*>.*?</select>', html, re.S).group(0)


@pytest.mark.parametrize("sent", [
    {"plan": "gold"},                                 # no such plan (tampered)
    {"plan": "enterprise", "confirmed": "yes"},       # from the confirmation page
    {"plan": ""},                                     # emptied
    {"plan": "Premium"},                              # a plan's name, not its value
])
def test_shop_2_a_plan_that_is_none_of_the_plans_is_refused_on_the_menu(
        make_member, make_shop, make_listing, client_for, sent):
    shop = make_shop(plan="professional")
    make_listing(shop=shop, title="Still on sale")
    admin = client_for(make_member(role="admin"))
    response = post_form(admin, f"/shops/{shop.slug}/plan", sent, form_url=f"/shops/{shop.slug}")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert UNKNOWN in html and "The shop's plan has not changed." in unescape(html)
    menu = _plan_menu(html)
    assert 'aria-invalid="true"' in menu and 'aria-describedby="plan-error-1"' in menu
    assert 'id="plan-error-1"' in html
    # The menu shows the plan the shop keeps (a value it cannot show would leave the first
    # one, Starter, selected, a second tap away from moving the shop there).
    assert re.search(r'<option(?=[^>]*value="professional")[^>]*selected', menu)
    assert "Still on sale" in html  # the rest of the shop's page is there
    assert db.session.get(Shop, shop.id).plan == "professional"
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "shop.plan")) \
        is None
    assert db.session.scalar(select(Notification.id)) is None


def test_shop_2_a_real_plan_is_still_set_from_the_same_menu(make_member, make_shop, client_for):
    shop = make_shop(plan="starter")
    admin = client_for(make_member(role="admin"))
    response = post_form(admin, f"/shops/{shop.slug}/plan", {"plan": "premium_plus"},
                         form_url=f"/shops/{shop.slug}")
    assert response.status_code == 302
    assert db.session.get(Shop, shop.id).plan == "premium_plus"
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "is now on the Premium Plus plan" in page and UNKNOWN not in page


def test_shop_2_the_refusal_is_said_in_thai(app, make_member, make_shop, login):
    shop = make_shop(plan="standard")
    admin = make_member(role="admin")
    thai = app.test_client()  # Thai, the default
    login(admin.email, target=thai)
    response = post_form(thai, f"/shops/{shop.slug}/plan", {"plan": "gold"},
                         form_url=f"/shops/{shop.slug}")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert UNKNOWN not in html and "แพ็กเกจ" in html.split('id="plan-error-1"')[1][:300]
    assert db.session.get(Shop, shop.id).plan == "standard"


@pytest.mark.parametrize("plan", ["premium", "gold"])
def test_shop_1_shop_2_the_open_shop_form_has_no_plan_and_reads_none(
        make_member, client_for, plan):
    """The open-shop form offers no plan (shops open on Starter, as the form says); a plan
    slipped into it, real or not, neither moves the new shop off Starter nor loses what was
    typed."""
    client = client_for(make_member())
    form = client.get("/shops/new").get_data(as_text=True)
    assert 'name="plan"' not in form and "start on the Starter plan" in form
    response = post_form(client, "/shops/new", {
        "name": "บ้านพระเครื่อง", "slug": "ban-phra", "description": "Amulets.", "plan": plan})
    assert response.status_code == 302
    assert db.session.scalar(select(Shop.plan).where(Shop.slug == "ban-phra")) == "starter"
