"""Plan limits hold under concurrent posts (SHOP-2), with real threads and real requests.

Each thread is a logged-in browser tab posting at the same moment. The count under the plan
is made slow on purpose (it waits after counting), so that without a lock every tab would
see room and go past the limit; with the shop locked, the tabs take turns and exactly the
room that was left is used.
"""
import threading
import time

from sqlalchemy import func, select

from app.blueprints.shops import plans
from app.extensions import db
from app.models import Listing, ShopStaff
from tests.conftest import category_id, csrf_from

TABS = 4


def in_threads(count, target):
    """Run ``target(i)`` in ``count`` real threads started together; the results in order."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(index):
        try:
            barrier.wait()
            results[index] = target(index)
        except BaseException as error:  # noqa: BLE001 (reported in the test's thread)
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def slow(monkeypatch, name):
    """Make ``plans.<name>`` wait after counting, as a busy server might."""
    count = getattr(plans, name)

    def counted(shop):
        result = count(shop)
        time.sleep(0.3)
        return result

    monkeypatch.setattr(plans, name, counted)


def tabs(app, login, member, url, count=TABS):
    """``count`` logged-in clients of ``member`` (English pages), each with ``url``'s token."""
    opened = []
    for _ in range(count):
        client = app.test_client()
        client.set_cookie("lang", "en")
        login(member.email, target=client)
        opened.append((client, csrf_from(client.get(url).get_data(as_text=True))))
    return opened


def test_concurrent_listings_stop_at_the_plan_limit_shop_2(app, make_member, make_shop,
                                                           make_listing, login, monkeypatch):
    """SHOP-2: a Starter shop with 4 of its 5 listings; four tabs post at once: one gets in."""
    owner = make_member()
    shop = make_shop(owner=owner, plan="starter")
    for n in range(4):
        make_listing(shop=shop, title=f"พระเครื่อง องค์ที่ {n}")
    url = f"/shops/{shop.slug}/listings/new"
    opened = tabs(app, login, owner, url)
    category = str(category_id())
    slow(monkeypatch, "counted_listings")

    def post(index):
        client, token = opened[index]
        return client.post(url, data={
            "csrf_token": token, "title": f"พระผงสุพรรณ แท็บ {index}",
            "category_id": category, "price": "1,500", "quantity": "1",
            "condition": "good", "content_rating": "general", "description": ""},
            content_type="multipart/form-data")

    responses = in_threads(TABS, post)
    codes = sorted(response.status_code for response in responses)
    assert codes == [302] + [422] * (TABS - 1), codes
    refused = [r.get_data(as_text=True) for r in responses if r.status_code == 422]
    assert all("Starter plan allows up to 5 listings" in html for html in refused)
    db.session.commit()
    assert db.session.scalar(select(func.count(Listing.id)).where(
        Listing.shop_id == shop.id)) == 5


def test_concurrent_staff_additions_stop_at_the_plan_limit_shop_2(app, make_member, make_shop,
                                                                  login, monkeypatch):
    """SHOP-2: a Standard shop with 3 of its 4 staff; four tabs add four members at once."""
    owner = make_member()
    shop = make_shop(owner=owner, plan="standard")
    for _ in range(3):
        db.session.add(ShopStaff(shop_id=shop.id, user_id=make_member().id))
    db.session.commit()
    newcomers = [make_member(email=f"helper{n}@talat.example") for n in range(TABS)]
    opened = tabs(app, login, owner, f"/shops/{shop.slug}/people")
    emails, url = [member.email for member in newcomers], f"/shops/{shop.slug}/staff"
    slow(monkeypatch, "counted_staff")

    def add(index):
        client, token = opened[index]
        return client.post(url, data={
            "csrf_token": token, "email": emails[index]})

    responses = in_threads(TABS, add)
    codes = sorted(response.status_code for response in responses)
    assert codes == [302] + [422] * (TABS - 1), codes
    refused = [r.get_data(as_text=True) for r in responses if r.status_code == 422]
    assert all("Standard plan allows 4 staff members" in html for html in refused)
    db.session.commit()
    assert db.session.scalar(select(func.count(ShopStaff.id)).where(
        ShopStaff.shop_id == shop.id)) == 4

