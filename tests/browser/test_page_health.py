"""The public pages load cleanly in a real browser: the strict Content-Security-Policy is sent
and nothing on the page breaks it, and the console shows no errors (failed loads, script errors).
"""
import pytest

pytestmark = pytest.mark.browser

PUBLIC_PAGES = ("/", "/register", "/login")
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def test_public_pages_load_without_csp_violations_or_console_errors(page, live_server):
    """Home, sign-up and log-in send the CSP, load htmx, and log no errors or CSP violations."""
    problems = []

    def on_console(message):
        if message.type == "error":
            problems.append(f"console: {message.text}")

    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))

    for path in PUBLIC_PAGES:
        response = page.goto(f"{live_server}{path}", wait_until="networkidle")
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers.get("content-security-policy", ""), path
        assert page.evaluate("typeof htmx") == "object", f"htmx did not load on {path}"
        problems += [f"{path}: CSP {v}" for v in page.evaluate("window.__cspViolations")]

    assert problems == []
