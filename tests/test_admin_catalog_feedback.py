"""Found driving the admin's catalogue pages (SHOP-4 prohibited list, SHOP-9 frozen sections):
a removal or a freeze reloaded the page without a word, so a slip of the mouse on one of fifty
"Remove" buttons took a word off the list unseen."""
from sqlalchemy import select

from app.extensions import db
from app.models import ProhibitedTerm
from tests.conftest import post_form


def test_removing_a_prohibited_word_names_it_shop_4(make_member, client_for):
    """SHOP-4: the admin reads which word left the list; each Remove button names its word."""
    client = client_for(make_member(role="admin"))
    post_form(client, "/admin/prohibited", {"term": "ของเถื่อน", "action": "refuse",
                                            "group_th": "ของผิดกฎหมาย",
                                            "group_en": "Illegal goods"})
    html = client.get("/admin/prohibited").get_data(as_text=True)
    assert 'aria-label="Remove “ของเถื่อน” from the prohibited list"' in html
    term_id = db.session.scalar(select(ProhibitedTerm.id).where(
        ProhibitedTerm.term == "ของเถื่อน"))
    response = post_form(client, f"/admin/prohibited/{term_id}/delete", {},
                         form_url="/admin/prohibited", follow_redirects=True)
    assert "“ของเถื่อน” is no longer on the prohibited list." in response.get_data(as_text=True)
    again = post_form(client, f"/admin/prohibited/{term_id}/delete", {},
                      form_url="/admin/prohibited", follow_redirects=True)
    assert "is no longer on the prohibited list" not in again.get_data(as_text=True)


def test_freezing_and_unfreezing_a_section_says_so_shop_9(make_member, client_for):
    """SHOP-9: the admin reads that the section is frozen, and later open again."""
    client = client_for(make_member(role="admin"))
    response = post_form(client, "/admin/sections/listings/freeze",
                         {"notice_th": "ปิดปรับปรุง", "notice_en": "Closed for maintenance"},
                         form_url="/admin/sections", follow_redirects=True)
    assert "Posting listings is frozen: new posts are refused with your notice" in \
        response.get_data(as_text=True)
    response = post_form(client, "/admin/sections/listings/unfreeze", {},
                         form_url="/admin/sections", follow_redirects=True)
    assert "Posting listings takes new posts again." in response.get_data(as_text=True)
