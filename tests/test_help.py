"""Help centre (HELP-1 … HELP-6): every article renders in Thai and English with its contents,
the key facts of each rule are in its article, search finds parts of Thai words, the renderer
neutralises raw HTML, unknown or crafted slugs are 404, and forms and signs link to the help
that explains them."""
import re

import pytest
from markupsafe import Markup, escape

from app.blueprints.help.articles import Library, parse_article
from app.blueprints.help.rendering import anchor_for, render_markdown, sanitise
from app.blueprints.help.searching import highlight, search_articles
from app.blueprints.moderation import signs
from app.database import utcnow
from app.extensions import db

SLUGS = ("scammed", "stop-signs", "strikes", "rankings", "prohibited-goods", "complaints",
         "ip-requests", "buying-safely", "terms", "privacy", "account-deletion", "sitemap")
HTMX = {"HX-Request": "true"}
SCRIPT = "<script>alert(1)</script>"


def page(app, url, lang="th", **kwargs):
    """GET ``url`` in ``lang``; returns (response, text)."""
    client = app.test_client()
    client.set_cookie("lang", lang)
    response = client.get(url, **kwargs)
    return response, response.get_data(as_text=True)


def body_of(html):
    """The article body only (not the navigation, footer or contents box)."""
    start = html.index('class="help-article__body"')
    return html[start:html.index("</div>", start)]


# --- every article, both languages --------------------------------------------------------

@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("slug", SLUGS)
def test_every_article_renders_with_contents_help_6(app, slug, lang):
    """HELP-6: each fixed slug exists in Thai and English, in its own language (no fallback
    note), with a table of contents whose links point at real heading ids."""
    response, html = page(app, f"/help/{slug}", lang)
    assert response.status_code == 200
    assert 'class="help-toc"' in html
    assert "not yet available in your language" not in html
    anchors = re.findall(r'class="help-toc__item[^"]*"><a href="#([^"]+)"', html)
    assert anchors
    for anchor in anchors:
        assert f'id="{anchor}"' in body_of(html)
    article, fell_back = Library().get(slug, lang)
    assert not fell_back and article.lang == lang and str(escape(article.title)) in html


def test_index_lists_every_article_by_section_and_has_a_search_box_help_6(app):
    """HELP-6: the index groups every article by section and offers search."""
    response, html = page(app, "/help/", "en")
    assert response.status_code == 200
    for slug in SLUGS:
        assert f'href="/help/{slug}"' in html
    assert 'action="/help/search"' in html and 'hx-get="/help/search"' in html
    assert html.count('class="help-section"') >= 4


def test_help_is_in_the_main_navigation_and_the_footer_help_6(app):
    """HELP-6: help, terms, privacy and the site map are one click from every page."""
    _, html = page(app, "/", "en")
    nav = html[html.index('class="site-nav"'):html.index("</nav>", html.index('class="site-nav"'))]
    assert 'href="/help/"' in nav
    footer = html[html.index('class="site-footer"'):]
    for href in ("/help/", "/help/terms", "/help/privacy", "/help/sitemap"):
        assert f'href="{href}"' in footer


# --- the facts each rule asks for ---------------------------------------------------------

def test_help_1_scammed_lists_evidence_police_report_ip_request_and_cybercrime_police(app):
    """HELP-1: the evidence checklist, the police report, the IP request (CMP-6) and the
    cybercrime police, in both languages."""
    _, th = page(app, "/help/scammed", "th")
    _, en = page(app, "/help/scammed", "en")
    for phrase in ("ชื่อผู้ขาย", "รูปสินค้า", "สลิปการโอนเงิน", "บัญชีธนาคาร", "ข้อความสนทนา",
                   "เบอร์โทรศัพท์", "เลขพัสดุ", "แจ้งความ", "บก.ปอท.", "1212"):
        assert phrase in body_of(th), phrase
    for phrase in ("seller's name", "listing", "Photos", "transfer slip", "bank account", "chat",
                   "Phone numbers", "parcel number", "police report", "Technology Crime "
                   "Suppression Division", "1212"):
        assert phrase in body_of(en).replace("&#39;", "'"), phrase
    for html in (th, en):
        assert 'href="/ip-requests/new"' in html
        assert 'href="/help/ip-requests"' in html


def test_help_2_stop_signs_explain_every_kind_lift_after_7_days_and_explanations(app):
    """HELP-2: every sign of MOD-1, lift requests after 7 days (MOD-3), explanations (MOD-4)."""
    _, en = page(app, "/help/stop-signs", "en")
    text = body_of(en)
    for kind in ("UNDER REVIEW", "RULE VIOLATION", "INCORRECT INFORMATION", "NON-STANDARD PRINT",
                 "FAKE", "AUTHENTIC"):
        assert kind in text
    assert "7 days" in text and "STOP lift requests" in text and "explanation" in text
    _, th = page(app, "/help/stop-signs", "th")
    assert "7 วัน" in body_of(th) and "ส่งคำชี้แจง" in body_of(th)


def test_help_2_stop_signs_tell_when_a_refused_lift_request_may_be_repeated(app):
    """HELP-2, MOD-3 (found in review): after a refused lift request a new one about the same
    item waits 30 days (responses.ASK_AGAIN_AFTER); the help says so in both languages."""
    from app.blueprints.moderation.responses import ASK_AGAIN_AFTER

    days = ASK_AGAIN_AFTER.days
    _, en = page(app, "/help/stop-signs", "en")
    assert f"{days} days" in body_of(en)
    _, th = page(app, "/help/stop-signs", "th")
    assert f"{days} วัน" in body_of(th)


def test_help_2_strikes_give_the_numbers_of_auc_4_shop_8_and_mod_9(app):
    """HELP-2: strikes at 3 and 6 (AUC-4), shops over 3 FAKE listings (SHOP-8), appeals in 15
    days (MOD-9)."""
    _, en = page(app, "/help/strikes", "en")
    text = body_of(en)
    assert "3 strikes" in text and "6 strikes" in text and "more than 3" in text
    assert "15 days" in text
    assert 'href="/moderation/reinstatement"' in text
    _, th = page(app, "/help/strikes", "th")
    assert "ครบ 3 แต้ม" in body_of(th) and "ครบ 6 แต้ม" in body_of(th)
    assert "15 วัน" in body_of(th)


def test_help_3_rankings_name_the_three_ratings_and_seven_lists_rank_1_rank_2(app):
    """HELP-3: the three content ratings (RANK-1) and the seven ranking lists (RANK-2)."""
    _, en = page(app, "/help/rankings", "en")
    text = body_of(en)
    for name in ("Everyone", "18+", "circle", "Rising", "Hits", "Best sellers", "New arrivals",
                 "Updated", "Recently completed", "Weekly top chart"):
        assert name in text, name
    _, th = page(app, "/help/rankings", "th")
    for name in ("กำลังมาแรง", "ขายดี", "ท็อปชาร์ตประจำสัปดาห์", "18+", "วงใน"):
        assert name in body_of(th)


def test_help_4_prohibited_goods_name_the_shop_4_groups(app):
    """HELP-4: every prohibited group of SHOP-4, and refusal versus hold."""
    _, en = page(app, "/help/prohibited-goods", "en")
    text = body_of(en)
    for group in ("gambling", "Illegal drugs", "E-cigarettes", "Pirated media", "Counterfeits",
                  "Protected wildlife", "Decoders", "Food and Drug", "Miracle cures",
                  "fireworks", "weapons", "Adult material", "Affiliate resale"):
        assert group in text, group
    assert "refuses" in text and "holds" in text


def test_help_5_complaints_say_7_business_days_1212_tracking_and_counter_statements(app):
    """HELP-5: how to file, what happens, 7 business days (CMP-2), 1212 when late (CMP-5),
    tracking code and status page (CMP-1), counter-statements (CMP-3)."""
    _, en = page(app, "/help/complaints", "en")
    text = body_of(en)
    for phrase in ("7 business days", "1212", "tracking code", "counter-statement",
                   "public holidays", 'href="/complaints/new"', 'href="/complaints/status"'):
        assert phrase in text, phrase
    _, th = page(app, "/help/complaints", "th")
    for phrase in ("7 วันทำการ", "1212", "รหัสติดตาม", "คำโต้แย้ง", 'href="/complaints/status"'):
        assert phrase in body_of(th), phrase


def test_help_6_terms_privacy_and_site_map(app):
    """HELP-6: terms of use, privacy (traffic log kept 90 days, ACC-6; what stays after
    deletion, ACC-9) and a site map whose every link works."""
    _, privacy = page(app, "/help/privacy", "en")
    assert "90 days" in body_of(privacy) and "delete your account" in body_of(privacy)
    _, terms = page(app, "/help/terms", "en")
    assert "10 failed log-ins" in body_of(terms)
    _, sitemap = page(app, "/help/sitemap", "en")
    links = set(re.findall(r'href="([^"#]+)"', body_of(sitemap)))
    for href in ("/", "/search", "/shops", "/auctions/", "/rankings", "/boards/", "/help/",
                 "/help/terms", "/help/complaints"):
        assert href in links, href
    assert "talat:" not in sitemap and "help:" not in body_of(sitemap)
    for href in links:  # every link of the site map leads to a page that is there
        assert app.test_client().get(href).status_code in (200, 302), href


# --- 404s and path tricks -----------------------------------------------------------------

@pytest.mark.parametrize("url", ["/help/no-such-article", "/help/..%2F..%2Fetc%2Fpasswd",
                                 "/help/../help/terms/..", "/help/Terms", "/help/terms.md",
                                 "/help/%2e%2e", "/help/terms%00"])
def test_unknown_or_crafted_slugs_are_404(app, url):
    response, _ = page(app, url, "en")
    assert response.status_code == 404


def test_library_never_reads_outside_its_folder(tmp_path):
    (tmp_path / "th").mkdir()
    (tmp_path / "en").mkdir()
    (tmp_path / "secret.md").write_text("---\ntitle: secret\n---\nno\n", encoding="utf-8")
    library = Library(tmp_path)
    assert library.get("../secret", "th") is None
    assert library.get("secret", "th") is None


def test_an_article_missing_in_one_language_falls_back_with_a_note(app, tmp_path):
    (tmp_path / "th").mkdir()
    (tmp_path / "en").mkdir()
    (tmp_path / "th" / "only-thai.md").write_text(
        "---\ntitle: เฉพาะภาษาไทย\nsection: safety\n---\n## หัวข้อ\nเนื้อหา\n", encoding="utf-8")
    app.config["HELP_ARTICLES_DIR"] = str(tmp_path)
    app.extensions.pop("talat_help", None)
    try:
        response, html = page(app, "/help/only-thai", "en")
        assert response.status_code == 200
        assert "not yet available in your language; here it is in Thai" in html
        assert 'lang="th"' in html and "เฉพาะภาษาไทย" in html
    finally:
        app.extensions.pop("talat_help", None)


# --- rendering is safe --------------------------------------------------------------------

def test_raw_html_in_an_article_is_neutralised(app):
    with app.test_request_context():
        rendered = render_markdown(
            "## Title <script>alert(1)</script>\n\n<script>alert(2)</script>\n\n"
            '<img src=x onerror="alert(3)">\n\n[click](javascript:alert(4))\n\n'
            "[ok](/help/)\n")
    html = str(rendered.html)
    assert "<script" not in html and "<img" not in html and "href=\"javascript:" not in html
    assert "&lt;script&gt;alert(2)" in html and "&lt;img" in html
    assert '<a href="/help/"' in html
    assert rendered.toc[0].text == "Title <script>alert(1)</script>"  # escaped when shown


def test_sanitiser_is_a_second_guard():
    dirty = '<p onclick="x()">hi<script>alert(1)</script><iframe src="//evil"></iframe></p>'
    clean = sanitise(dirty)
    assert "onclick" not in clean and "<script" not in clean and "<iframe" not in clean


def test_links_to_missing_endpoints_keep_their_text_only(app):
    with app.test_request_context():
        rendered = render_markdown("[Shops](talat:shops.index) and [Soon](talat:nowhere.page)\n")
    assert '<a href="/shops"' in rendered.html
    assert "Soon" in rendered.html and "nowhere" not in rendered.html


def test_heading_ids_are_stable_and_unique_for_thai_and_english():
    taken = set()
    assert anchor_for("1. เก็บหลักฐานให้ครบ", taken) == "1-เก็บหลักฐานให้ครบ"
    assert anchor_for("1. เก็บหลักฐานให้ครบ", taken) == "1-เก็บหลักฐานให้ครบ-2"
    assert anchor_for("What a sign *does*?", taken) == "what-a-sign-does"
    assert anchor_for("!!!", taken) == "section"


def test_front_matter_is_required():
    with pytest.raises(ValueError):
        parse_article("# no front matter\n", "x", "en")
    article = parse_article("---\ntitle: T\nrelated: a, b\nkeywords: x, y\n---\nbody\n", "t", "en")
    assert article.related == ("a", "b") and article.keywords == ("x", "y")


# --- search -------------------------------------------------------------------------------

@pytest.mark.parametrize("query, slug", [("สแกม", "scammed"), ("โกง", "scammed"),
                                         ("หลักฐาน", "scammed"), ("ปลดป้าย", "stop-signs"),
                                         ("วันทำการ", "complaints")])
def test_search_finds_parts_of_thai_words_help_6(app, query, slug):
    """Thai has no spaces: "โกง" is found inside "ถูกโกง", "สแกม" inside "สแกมเมอร์"."""
    response, html = page(app, "/help/search", "th", query_string={"q": query})
    assert response.status_code == 200
    assert f'href="/help/{slug}"' in html
    assert f"<mark>{query}</mark>" in html


@pytest.mark.parametrize("query", ["โดนโกง", "โดนหลอก", "ถูกหลอก"])
def test_search_knows_how_people_say_they_were_cheated_help_6(app, query):
    """Found in review: only "ถูกโกง" found the scam guidance; "โดนโกง", "โดนหลอก" and
    "ถูกหลอก" found nothing."""
    response, html = page(app, "/help/search", "th", query_string={"q": query})
    assert response.status_code == 200 and 'href="/help/scammed"' in html


@pytest.mark.parametrize("query, slug", [("ใบแจ้งความ", "scammed"), ("ใบแจ้งความ", "ip-requests"),
                                         ("ใบรับเรื่อง", "complaints"), ("กี่วัน", "complaints"),
                                         ("นานแค่ไหน", "complaints"),
                                         ("ติดตามเรื่อง", "complaints"), ("กติกา", "terms")])
def test_search_knows_the_words_the_site_itself_uses_help_1_help_5_help_6(app, query, slug):
    """Found searching help as a scam victim and a complainant: "ใบแจ้งความ" (the police
    report, as the IP-request form calls it), "ใบรับเรื่อง" (the receipt, as the complaint
    form calls it), "กี่วัน" / "นานแค่ไหน" (how long a complaint takes, HELP-5),
    "ติดตามเรื่อง" and "กติกา" (a rule, as the status page names one) found nothing."""
    response, html = page(app, "/help/search", "th", query_string={"q": query})
    assert response.status_code == 200  # (found: a result's title, not the footer's link)
    assert f'href="/help/{slug}" class="help-results__title"' in html


@pytest.mark.parametrize("query, slug, marked", [("๑๒๑๒", "complaints", "1212"),
                                                 ("1212", "complaints", "1212"),
                                                 ("๗ วัน", "complaints", "7")])
def test_search_reads_thai_digits_as_arabic_help_6(app, query, slug, marked):
    """Found in review: "1212" found the complaints article but "๑๒๑๒" and "๗ วัน" found
    nothing; the site search reads either digits, and so does help now."""
    response, html = page(app, "/help/search", "th", query_string={"q": query})
    assert response.status_code == 200 and f'href="/help/{slug}"' in html
    assert f"<mark>{marked}</mark>" in html


def test_search_as_you_type_replaces_the_address_instead_of_a_history_entry_a_key(app):
    """HELP-6, found in review: each pause in typing pushed a history entry, so Back stepped
    through "ถูกโก", "ถูกโ", "ถูก"... The results replace the address instead."""
    _, html = page(app, "/help/", "th")
    form = html[html.index('class="search-form help-search"'):]
    form = form[:form.index(">")]
    assert 'hx-replace-url="true"' in form and "hx-push-url" not in form


def test_search_ranks_title_matches_first_and_needs_every_word(app):
    with app.test_request_context():
        from app.blueprints.help.articles import library

        hits = search_articles(library(), "complaint", "en")
        assert hits[0].article.slug == "complaints"
        both = search_articles(library(), "police report", "en")
        assert {hit.article.slug for hit in both} >= {"scammed", "ip-requests"}
        assert search_articles(library(), "police zzqx", "en") == []


def test_search_finds_english_words_and_says_when_nothing_matches(app):
    _, html = page(app, "/help/search", "en", query_string={"q": "Scammed"})
    assert 'href="/help/scammed"' in html
    _, html = page(app, "/help/search", "en", query_string={"q": "qwertyuiop"})
    assert "No help article contains all of these words" in html


def test_a_thai_word_on_the_english_site_still_finds_its_article(app):
    _, html = page(app, "/help/search", "en", query_string={"q": "สแกม"})
    assert 'href="/help/scammed"' in html and "Found in the Thai text" in html


def test_hostile_query_comes_back_escaped(app):
    response, html = page(app, "/help/search", "en", query_string={"q": SCRIPT})
    assert response.status_code == 200
    assert SCRIPT not in html
    assert "&lt;script&gt;" in html
    marked = highlight("a <b>scam</b> here", ["scam"])
    assert isinstance(marked, Markup)
    assert str(marked) == "a &lt;b&gt;<mark>scam</mark>&lt;/b&gt; here"


def test_search_as_you_type_returns_a_fragment_for_htmx_conventions_11(app):
    response, html = page(app, "/help/search", "en", query_string={"q": "fake"}, headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in html and 'id="help-results"' in html
    assert "HX-Request" in response.headers.get("Vary", "")
    full, full_html = page(app, "/help/search", "en", query_string={"q": "fake"})
    assert "<html" in full_html and "HX-Request" in full.headers.get("Vary", "")


def test_too_long_query_is_refused_politely(app):
    response, html = page(app, "/help/search", "en", query_string={"q": "x" * 101})
    assert response.status_code == 422
    assert html.count("at most 100 characters") == 1  # by the field, not again below it
    _, fragment = page(app, "/help/search", "en", query_string={"q": "x" * 101},
                       headers=HTMX)
    assert fragment.count("at most 100 characters") == 1  # the htmx answer says it itself


# --- contextual links ---------------------------------------------------------------------

def test_sign_box_links_the_stop_signs_and_strikes_articles_help_2(app, make_listing,
                                                                  moderator, client_for):
    listing = make_listing()
    signs.hang_sign("listing", listing.id, "fake", moderator, "A copy.", now=utcnow())
    db.session.commit()
    html = client_for(None).get(f"/listings/{listing.id}").get_data(as_text=True)
    start = html.index('class="sign-panel')
    box = html[start:html.index("</aside>", start)]
    assert 'href="/help/stop-signs"' in box and 'href="/help/strikes"' in box


def test_moderation_record_and_forms_link_their_help(app, make_member, make_shop, client_for):
    member = make_member()
    shop = make_shop(owner=member)
    client = client_for(member)
    record = client.get("/moderation/me").get_data(as_text=True)
    assert 'href="/help/stop-signs"' in record and 'href="/help/strikes"' in record
    form = client.get(f"/shops/{shop.slug}/listings/new").get_data(as_text=True)
    assert 'href="/help/prohibited-goods"' in form and 'href="/help/rankings"' in form
    rankings = client.get("/rankings").get_data(as_text=True)
    assert 'href="/help/rankings"' in rankings
    register = client_for(None).get("/register").get_data(as_text=True)
    form_part = register[register.index("<form method=\"post\" action=\"/register\""):]
    assert 'href="/help/terms"' in form_part and 'href="/help/privacy"' in form_part


def test_articles_are_read_once_and_reloaded_only_in_debug(app, tmp_path):
    """Parsed once per process; an edited file is picked up in debug only."""
    import os

    from app.blueprints.help.articles import library

    (tmp_path / "th").mkdir()
    (tmp_path / "en").mkdir()
    source = tmp_path / "en" / "note.md"
    source.write_text("---\ntitle: First\n---\n## A\ntext\n", encoding="utf-8")
    app.config["HELP_ARTICLES_DIR"] = str(tmp_path)
    app.extensions.pop("talat_help", None)
    try:
        first = library()
        assert library() is first and first.get("note", "en")[0].title == "First"
        source.write_text("---\ntitle: Second\n---\n## A\ntext\n", encoding="utf-8")
        os.utime(source, ns=(1, 1))  # a different modification time, whatever the clock
        assert library() is first  # not in debug: kept
        app.debug = True
        assert library().get("note", "en")[0].title == "Second"
    finally:
        app.debug = False
        app.extensions.pop("talat_help", None)


def test_every_link_to_an_article_names_one_that_exists():
    """Templates (``help_url``, ``help.article``), articles (``help:``) and related lists only
    name slugs that have an article, in both languages."""
    from pathlib import Path

    library = Library()
    assert set(library.slugs) == set(SLUGS)
    templates = Path(__file__).resolve().parents[1] / "app" / "templates"
    named = set()
    for template in templates.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        named |= set(re.findall(r"help_url\('([^']+)'", text))
        named |= set(re.findall(r"help\.article', slug='([^']+)'", text))
    for lang in ("th", "en"):
        for slug in SLUGS:
            article = library.get(slug, lang)[0]
            named |= set(article.related)
            named |= set(re.findall(r"\]\(help:([^)#]+)", article.body))
    assert named and named <= set(SLUGS), named - set(SLUGS)


@pytest.mark.parametrize("lang, query, expected", [
    ("en", "hotline", "online complaint centre, <mark>hotline</mark>"),
    ("th", "1212", "ปัญหาออนไลน์ของรัฐ สายด่วน <mark>1212</mark>"),
])
def test_search_snippets_keep_the_space_where_an_article_breaks_a_line_help_6(
        app, lang, query, expected):
    """HELP-6: a word at the end of an article's source line was glued to the next one in the
    search snippets ("complaint centre,hotline", "ของรัฐสายด่วน"): the line break reads as a
    space, as it does on the article's page."""
    _response, html = page(app, f"/help/search?q={query}", lang=lang)
    assert expected in html
    assert "complaintcentre" not in html and "ของรัฐสายด่วน" not in html
