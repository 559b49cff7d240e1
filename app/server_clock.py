"""The server's clock as pages carry it (``data-server-now``): countdowns set their offset from
the mark that arrived last. HTML kept to be sent again (the visitors' page cache, the panels
live streams share) keeps a slot instead of the moment it was rendered, and each sending
fills in the moment it leaves: a kept copy's old time set countdowns minutes fast."""
import re

from app.database import utcnow

MARK_RE = re.compile(r'data-server-now="[^"]*"')
SLOT = 'data-server-now="\x00now\x00"'


def unstamped(html):
    """``html`` with every server-clock mark turned into the slot."""
    return MARK_RE.sub(SLOT, html) if "data-server-now" in html else html


def stamped(html, now=None):
    """``html`` with the slots filled with ``now`` (the server's clock)."""
    if SLOT not in html:
        return html
    return html.replace(SLOT, f'data-server-now="{(now or utcnow()).isoformat()}"')
