"""MOD-4: the evidence files of an explanation refused for its text (too short) are kept for the
next try, as a complaint's are (CMP-1). The form said "please choose them again": on a phone
that meant finding each photo of the item and its certificate a second time. The files the
explanation would take are held, offered back as ticked boxes, and become its evidence when it
is sent; a file it would not take is named."""
import re

import pytest
from sqlalchemy import func, select

from app.models import EvidenceFile, HeldEvidence, ReviewItem
from app.extensions import db
from tests.conftest import csrf_from
from tests.images import jpeg, upload
from tests.test_sign_responses import PDF
from tests.test_sign_responses import signed as signed  # noqa: PLC0414 (the fixture)

pytestmark = pytest.mark.usefixtures("english")

KEPT_RE = re.compile(r'name="kept_file" value="([^"]+)" checked> ([^<]+?) <span')


def offered(html):
    return {name: token for token, name in KEPT_RE.findall(html)}


def send(client, url, data):
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data},
                       content_type="multipart/form-data")


def test_mod_4_a_refused_explanation_keeps_its_files_for_the_next_try(signed, client_for):
    """MOD-4: too short, with a photo, a PDF and a program: the photo and the PDF are
    offered back, the program named; sent again with one box ticked and a new photo, the
    explanation has the kept file and the new one, and nothing stays held."""
    sign, _listing, owner, _moderator = signed
    client = client_for(owner)
    url = f"/moderation/signs/{sign.id}/explain"
    refused = send(client, url, {"body": "Real", "files": [
        upload(jpeg(), "close.jpg"), upload(PDF, "cert.pdf"),
        upload(b"MZ\x90\x00", "setup.exe")]})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "setup.exe:" in html
    assert "evidence files we can take are kept" in html
    kept = offered(html)
    assert list(kept) == ["close.jpg", "cert.pdf"]
    held_key = db.session.scalar(select(HeldEvidence.key).where(
        HeldEvidence.token == kept["cert.pdf"]))

    sent = send(client, url, {"body": "Here is the certificate, and a photo of the back.",
                              "kept_file": [kept["cert.pdf"]],
                              "files": [upload(jpeg(), "back.jpg")]})
    assert sent.status_code == 302
    files = db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id)).all()
    assert [(f.original_name, f.media) for f in files] == [("cert.pdf", "pdf"),
                                                            ("back.jpg", "image")]
    assert files[0].key == held_key
    assert client.get(f"/moderation/evidence/{held_key}").status_code == 200
    assert db.session.scalar(select(func.count(HeldEvidence.id))) == 1  # the unticked photo
    assert db.session.scalar(select(func.count(ReviewItem.id))) == 1


def test_mod_4_kept_files_count_towards_the_five(signed, client_for):
    """MOD-4: four kept files and two new ones are more than five: refused, all six offered
    again, nothing sent."""
    sign, _listing, owner, _moderator = signed
    client = client_for(owner)
    url = f"/moderation/signs/{sign.id}/explain"
    kept = offered(send(client, url, {"body": "", "files": [
        upload(jpeg(), f"{n}.jpg") for n in range(4)]}).get_data(as_text=True))
    assert len(kept) == 4
    refused = send(client, url, {"body": "Four photos and two more of the certificate.",
                                 "kept_file": list(kept.values()),
                                 "files": [upload(jpeg(), "a.jpg"), upload(jpeg(), "b.jpg")]})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "at most 5 files" in html
    assert len(offered(html)) == 4
    assert db.session.scalar(select(func.count(EvidenceFile.id))) == 0


def test_mod_4_another_members_held_file_is_not_taken(signed, client_for, make_member,
                                                       make_listing):
    """MOD-4: a held file is named by a secret token; a token that is not held (made up, or
    used already) adds nothing."""
    sign, _listing, owner, _moderator = signed
    client = client_for(owner)
    url = f"/moderation/signs/{sign.id}/explain"
    sent = send(client, url, {"body": "Please look at the photos in my listing.",
                              "kept_file": ["x" * 43]})
    assert sent.status_code == 302
    assert db.session.scalar(select(func.count(EvidenceFile.id))) == 0


def test_mod_4_a_suspended_owner_has_no_files_held(signed, client_for):
    """MOD-4, ACC-5 (found in review): a suspended owner is shown no explanation form, so an
    explanation they send anyway (an old tab) holds none of its files for a form that is not
    there."""
    from datetime import timedelta

    from app.database import utcnow

    sign, _listing, owner, _moderator = signed
    client = client_for(owner)
    url = f"/moderation/signs/{sign.id}/explain"
    token = csrf_from(client.get(url).get_data(as_text=True))
    owner.suspended_until = utcnow() + timedelta(days=3)
    db.session.commit()
    refused = client.post(url, data={"csrf_token": token, "body": "Real",
                                     "files": [upload(jpeg(), "close.jpg")]},
                          content_type="multipart/form-data")
    assert refused.status_code == 422
    assert db.session.scalar(select(func.count(HeldEvidence.id))) == 0
