"""The category menus (SHOP-3 listing form, the search filter, the auction board and the new
auction form): a chosen category reads as its plain name in the closed menu, while the open
menu still shows the tree, as <optgroup>s that browsers and screen readers announce. Found in
use: sub-categories were indented with spaces, so a closed menu read "    Wat Rakhang"."""
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Category, Listing
from tests.conftest import category_id, post_form
from tests.test_listings import listing_form


class MenuReader(HTMLParser):
    """The options of the ``<select name=...>``: (group label or None, value, text,
    selected)."""

    def __init__(self, name):
        super().__init__()
        self.name, self.inside, self.group, self.options, self._option = name, False, None, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self.inside = attrs.get("name") == self.name
        elif self.inside and tag == "optgroup":
            self.group = attrs["label"]
        elif self.inside and tag == "option":
            self._option = [self.group, attrs.get("value"), "", "selected" in attrs]

    def handle_endtag(self, tag):
        if tag == "select":
            self.inside = False
        elif tag == "optgroup":
            self.group = None
        elif tag == "option" and self._option is not None:
            self.options.append(tuple(self._option))
            self._option = None

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data


def menu(html, name):
    reader = MenuReader(name)
    reader.feed(html)
    return reader.options


def check_tree(options, by_temple, rakhang, amulets, lang):
    """Every category once, by its plain name; Wat Rakhang under "Amulets › By temple"."""
    categories = db.session.scalars(select(Category)).all()
    names = {str(c.id): (c.name_th if lang == "th" else c.name_en) for c in categories}
    shown = {value: (group, text) for group, value, text, _ in options if value in names}
    assert len(shown) == len(categories) == len([o for o in options if o[1] in names])
    for value, (_group, text) in shown.items():
        assert text == names[value], text  # no indentation, no dashes
    assert shown[rakhang][0] == f"{amulets} › {by_temple}"
    assert shown[str(category_id("amulets-by-temple"))][0] == f"{amulets} › {by_temple}"


@pytest.mark.parametrize("lang, amulets, by_temple", [("en", "Amulets", "By temple"),
                                                       ("th", "พระเครื่อง", "พระเครื่องตามวัด")])
def test_the_listing_form_shows_plain_names_in_groups_shop_3(make_member, make_shop,
                                                            client_for, lang, amulets,
                                                            by_temple):
    """SHOP-3: the chosen category (kept after a refusal) is the plain name, in a group."""
    owner = make_member()
    shop = make_shop(owner=owner)
    client = client_for(owner)
    client.set_cookie("lang", lang)
    rakhang = str(category_id("wat-rakhang"))
    check_tree(menu(client.get(f"/shops/{shop.slug}/listings/new").get_data(as_text=True),
                    "category_id"), by_temple, rakhang, amulets, lang)
    refused = post_form(client, f"/shops/{shop.slug}/listings/new",
                        listing_form(category_id=rakhang, price="1,5,00"))
    assert refused.status_code == 422
    options = menu(refused.get_data(as_text=True), "category_id")
    assert [o[1] for o in options if o[3]] == [rakhang]
    check_tree(options, by_temple, rakhang, amulets, lang)
    assert db.session.scalar(select(func.count(Listing.id))) == 0


def test_the_search_filter_and_auction_menus_show_plain_names_in_groups(make_member,
                                                                         client_for):
    """The search page's filter, the auction board's and the new auction form's menus."""
    client = client_for(make_member())
    rakhang = str(category_id("wat-rakhang"))
    for url, name in ((f"/search?q=x&category={rakhang}", "category"),
                      (f"/auctions/?category={rakhang}", "category"),
                      ("/auctions/new", "category_id")):
        options = menu(client.get(url).get_data(as_text=True), name)
        check_tree(options, "By temple", rakhang, "Amulets", "en")
        if "category=" in url:
            assert [o[1] for o in options if o[3]] == [rakhang], url
