"""Steps the browser journeys share: signing up, logging in, making a photo to upload."""
from PIL import Image
from playwright.sync_api import expect

PASSWORD = "kite-mango-river-42"
ADMIN_PASSWORD = "lotus-temple-bell-77"


def sign_up(page, base, email, name, birth_date="1985-02-14"):
    """Register through the form; the member is logged in afterwards."""
    page.goto(f"{base}/register")
    page.fill("input[name=email]", email)
    page.fill("input[name=display_name]", name)
    page.fill("input[name=birth_date]", birth_date)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_confirm]", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("header .account-menu__me")).to_have_text(name)


def log_in(page, base, email, password=PASSWORD):
    """Log in through the form and wait until the header shows the member."""
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    expect(page.locator("header .account-menu__me")).to_be_visible()


def image_file(tmp_path, name, color=(230, 230, 240), size=(600, 900)):
    """A JPEG on disk to upload."""
    path = tmp_path / name
    Image.new("RGB", size, color).save(path, "JPEG")
    return str(path)
