"""Help centre in a real browser (HELP-1, HELP-6): a visitor types part of a Thai word, the
results appear as they type with the match marked, and the article opens with its contents box,
whose links jump to the headings; no console errors or CSP violations on the way."""
from urllib.parse import unquote

import pytest

from tests.browser.test_page_health import RECORD_CSP_VIOLATIONS

pytestmark = pytest.mark.browser


def test_visitor_searches_help_as_they_type_and_reads_an_article(page, live_server,
                                                                  screenshot):
    """HELP-6: search as you type finds "โกง" inside "ถูกโกง"; HELP-1: the scam article."""
    problems = []
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{live_server}/help/", wait_until="networkidle")
    assert page.locator('a[href="/help/scammed"]').count() >= 1
    page.locator("#q").press_sequentially("โกง", delay=50)
    first = page.locator(".help-results__item").first
    first.wait_for()
    assert page.url.endswith("/help/search?q=%E0%B9%82%E0%B8%81%E0%B8%87")  # replaced
    assert page.locator(".help-results mark").first.inner_text() == "โกง"
    screenshot(page, "help-search")

    page.locator('.help-results__title[href="/help/scammed"]').click()
    page.wait_for_url(f"{live_server}/help/scammed")
    toc = page.locator(".help-toc a")
    assert toc.count() >= 5
    anchor = toc.nth(2).get_attribute("href")
    toc.nth(2).click()
    assert unquote(page.url).endswith(anchor)
    top = page.evaluate("(id) => document.getElementById(id).getBoundingClientRect().top",
                        anchor[1:])
    assert 0 <= top < 100  # the heading was scrolled to the top
    assert page.locator('.help-article__body a[href="/ip-requests/new"]').count() == 1
    screenshot(page, "help-article")

    problems += page.evaluate("window.__cspViolations")
    assert problems == []
