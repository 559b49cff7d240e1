"""The thumbnail of a photo held from a refused listing or auction form (app.held_photos):
to the member who sent it, and nobody else."""
from flask import abort
from flask_login import current_user, login_required

from app.blueprints.accounts import bp
from app.extensions import db
from app.models import HeldPhoto
from app.uploads import send_image


@bp.route("/account/held-photos/<int:photo_id>.jpg")
@login_required
def held_photo(photo_id):
    """A held photo's thumbnail, never cached by anyone but the member's browser."""
    photo = db.session.get(HeldPhoto, photo_id)
    if photo is None or photo.owner_id != current_user.id:
        abort(404)
    response = send_image(photo.key, "thumb", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
