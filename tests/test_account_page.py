"""The account page leads to everything a member has on Talat (ACC-1)."""
from app.extensions import db


def test_the_account_page_links_to_bids_orders_shops_watchlist_and_complaints_acc_1(
        client, make_member, login):
    """Found driving the site on a phone: "My bids", "Your shops", the watchlist and "My
    complaints" were reachable only from the board or the shop pages, and the account page
    (the member's name in the header) led to none of them."""
    make_member(email="hub@example.com", password="ring-of-keys-2569", display_name="Hub")
    db.session.commit()
    login("hub@example.com", "ring-of-keys-2569")
    client.set_cookie("lang", "en")
    html = client.get("/account").get_data(as_text=True)
    for href, text in (("/auctions/mine", "My bids"), ("/orders", "My orders"),
                       ("/shops/mine", "Your shops"), ("/watchlist", "Your watchlist"),
                       ("/notifications", "Notifications"), ("/complaints/mine",
                                                              "My complaints")):
        assert f'href="{href}">{text}</a>' in html, (href, text)
    for path in ("/auctions/mine", "/shops/mine", "/watchlist", "/complaints/mine"):
        assert client.get(path).status_code == 200, path
