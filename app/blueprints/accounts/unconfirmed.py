"""Logging in before the sign-up link is opened (ACC-1).

Someone who signed up and logs in before opening the mailed link has no account yet, and
"the e-mail address or password is incorrect" sends them hunting for a typo. So when the
password typed is that of the newest unexpired sign-up of the address whose link has not
been used, the log-in answers
that the account is not active yet, where the link went, until when it works, and offers to
send it again (``services.authenticate``, ``signup_views``).

Who learns what:

* Anyone without that password gets the usual "incorrect", after the same work whatever the
  address: a failed log-in makes the same look-ups (the account, the newest sign-up) and
  exactly two argon2 verifications, of the account's hash or a dummy's, then of the
  sign-up's or a dummy's; so neither the answer nor its time tells a member's address, a
  waiting sign-up's or a stranger's apart. (A successful log-in stops after the first: only
  the password's holder sees that.) This doubles the hashing of a failed log-in, which the
  log-in limit and the address block (ACC-4) keep rare.
* Whoever made the sign-up knows its password, perhaps with someone else's address. Its
  answer must not tell whether that address has an account, or the sign-up form's privacy
  would be undone one step later: so a sign-up with a taken address is kept too, with a
  link nobody is sent (``signup``), and is recognised here like any other until it
  expires. The address's owner opening an account from their own link marks only that
  link used (``signup.confirm_sign_up``), so another's sign-up of the address goes on
  answering its maker as before.
* A sign-up whose link has been used does not count: its account exists, and its password
  is (or was) that account's. Counting it told a member who had deleted the account, or
  changed the password and typed the old one, that the account was "not active yet" and
  that a link had been mailed. A link opens an account only with the password chosen at
  its sign-up (``signup``), so only whoever holds both the mail and the password, the
  address's owner, uses one; nobody else's answer changes when it is used. Deleting an
  account deletes every sign-up of its address (``deletion``).
* Only the newest unused sign-up is checked, so the work never depends on how many there
  are: the password of an older one gets "incorrect" (its link still works). The limit
  that follows: someone holding an older sign-up of an address sees its answer turn from
  "not active yet" to "incorrect" once a newer sign-up of the address is made, so they
  can notice that someone signed up with it again. That tells sign-up activity, not
  membership: sign-ups of a taken address and of a fresh one both keep their rows. (So
  does deleting an account, which removes the address's sign-ups: their makers' answers
  turn to "incorrect" then, as when they expire.) An owner who made several sign-ups,
  opened the account from one and changed its password within :data:`signup.LINK_HOURS`
  hours may still be told "not active yet" for the old password of another.
* The log-in still counts as a failed one for the address block (ACC-4), as it did: no
  session was opened.

"Send the link again" needs the same proof, or the button would mail any address someone had
signed up with: the answer carries :func:`resend_proof`, a token signed with the site's
secret that names the sign-up and is good for :data:`PROOF_MINUTES` minutes, and the form
posts it back. The button then does what signing up again would (``signup.send_link_again``):
a new link, or a warning to the owner of an address that has an account, within the same
limit of ``signup.MAILS_AN_HOUR`` mails an hour to an address as the sign-up form; so it can
mail no one the sign-up form could not.
"""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import select

from app.blueprints.accounts.errors import AccountError
from app.extensions import db
from app.models import PendingSignUp

#: How long the "Send the link again" button of a log-in answer works.
PROOF_MINUTES = 15
_PROOF_SALT = "talat.accounts.sign-up-resend"


class ResendProofInvalid(AccountError):
    """The button's proof is missing, forged, or older than :data:`PROOF_MINUTES`."""

    def __init__(self):
        super().__init__(_l("This page has expired. Please log in again to have the link "
                            "sent again."))


def newest_sign_up(email, now):
    """The newest unexpired sign-up of the (normalised) address ``email`` whose link has not
    been used, or None. Every log-in asks, whatever the address (module doc)."""
    return db.session.scalar(select(PendingSignUp).where(
        PendingSignUp.email == email, PendingSignUp.expires_at > now,
        PendingSignUp.used_at.is_(None))
        .order_by(PendingSignUp.created_at.desc(), PendingSignUp.id.desc()).limit(1))


def _signer():
    return URLSafeTimedSerializer(current_app.secret_key, salt=_PROOF_SALT)


def resend_proof(pending):
    """The token the log-in answer gives whoever typed the password of ``pending``."""
    return _signer().dumps([pending.id, pending.email, pending.created_at.isoformat()])


def sign_up_from_proof(proof, now):
    """The sign-up a "Send the link again" form's ``proof`` names, or raise
    :class:`ResendProofInvalid`. (Whether it has expired is the sender's to check.)"""
    try:
        (pending_id, email, created), signed_at = _signer().loads(
            proof or "", return_timestamp=True)
    except (BadData, TypeError, ValueError):
        raise ResendProofInvalid() from None
    if not isinstance(pending_id, int) or now - signed_at > timedelta(minutes=PROOF_MINUTES):
        raise ResendProofInvalid()
    pending = db.session.get(PendingSignUp, pending_id)
    if pending is None or pending.email != email or pending.created_at.isoformat() != created:
        raise ResendProofInvalid()
    return pending
