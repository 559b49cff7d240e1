"""Found in review: a field's error was not tied to the field (screen readers read the input
without it), and money fields opened the full keyboard on phones."""
import re

from tests.conftest import category_id, post_form


def attributes(page, field_id):
    tag = re.search(rf'<input[^>]*\bid="{field_id}"[^>]*>', page).group(0)
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag))


def test_errors_are_read_with_their_field_and_baht_fields_ask_for_digits(make_member,
                                                                         client_for):
    client = client_for(make_member())
    client.set_cookie("lang", "en")
    response = post_form(client, "/auctions/new", {
        "title": "พระผงสุพรรณ", "description": "", "category_id": str(category_id()),
        "starting_price": "", "min_increment": "20", "reserve": "", "buy_now": "",
        "starts_at": "", "duration_days": "7", "ends_at": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    price = attributes(page, "starting_price")
    assert price["aria-invalid"] == "true" and price["inputmode"] == "decimal"
    described = price["aria-describedby"].split()
    assert "starting_price-error-1" in described
    assert re.search(r'<p class="field__error" id="starting_price-error-1"', page)
    assert attributes(page, "min_increment")["inputmode"] == "decimal"
    assert "aria-describedby" not in attributes(page, "title")
