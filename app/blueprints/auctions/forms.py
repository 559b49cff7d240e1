"""Auction forms: shapes and lengths only; the rules live in the services."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.blueprints.accounts.forms import REQUIRED, TEXT_TOO_LONG, TOO_LONG
from app.blueprints.shops.forms import RATING_LABELS
from app.forms import BAHT_INPUT, TalatForm, chosen_id
from app.models.auctions import AUCTION_RATINGS

DURATIONS = (1, 3, 5, 7, 10, 14, 21, 30)
MONEY = [Optional(), Length(max=20, message=TOO_LONG)]


class AuctionForm(TalatForm):
    """Start an auction (AUC-1, AUC-8)."""

    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED),
                                                 Length(max=120, message=TOO_LONG)])
    description = TextAreaField(_l("Description"), validators=[
        Optional(), Length(max=5000, message=TEXT_TOO_LONG)])
    category_id = SelectField(_l("Category"), coerce=chosen_id, validate_choice=False)
    starting_price = StringField(_l("Starting price (baht)"), render_kw=BAHT_INPUT, validators=[
        DataRequired(REQUIRED), Length(max=20, message=TOO_LONG)])
    min_increment = StringField(_l("Minimum increment (baht)"), render_kw=BAHT_INPUT,
                                validators=[DataRequired(REQUIRED),
                                            Length(max=20, message=TOO_LONG)])
    reserve = StringField(_l("Reserve price (baht, optional, hidden from bidders)"),
                          render_kw=BAHT_INPUT, validators=MONEY)
    buy_now = StringField(_l("Buy-now price (baht, optional)"), render_kw=BAHT_INPUT,
                          validators=MONEY)
    starts_at = StringField(_l("Start (Bangkok time; leave empty to start now)"),
                            validators=[Optional(), Length(max=20, message=TOO_LONG)])
    duration_days = SelectField(_l("Duration"), coerce=int, default=7, choices=[
        SelectChoice(days, _l("%(n)d days", n=days) if days > 1 else _l("1 day"))
        for days in DURATIONS])
    ends_at = StringField(_l("Or an exact end (Bangkok time)"),
                          validators=[Optional(), Length(max=20, message=TOO_LONG)])
    # RANK-1: the listing form's words; no "restricted" (see AUCTION_RATINGS).
    content_rating = SelectField(_l("Who may see it"), default="general", choices=[
        SelectChoice(key, RATING_LABELS[key]) for key in AUCTION_RATINGS])
    # (accept: a phone offers the camera and the photo gallery, not a file browser)
    photos = MultipleFileField(_l("Photos (up to 10)"), render_kw={
        "accept": "image/jpeg,image/png,image/webp,image/gif"})


class BidForm(TalatForm):
    """A bid: a direct amount or a hidden maximum (AUC-9). ``version`` and ``leading`` are
    the state the bidder saw on the confirmation step."""

    amount = StringField(_l("Your bid (baht)"), render_kw=BAHT_INPUT, validators=[
        DataRequired(REQUIRED), Length(max=20, message=TOO_LONG)])
    mode = RadioField(_l("How to bid"), default="proxy", choices=[
        SelectChoice("proxy", _l("Maximum bid: the system bids for me, one increment at a "
                                 "time, up to this amount")),
        SelectChoice("direct", _l("Exact bid: bid exactly this amount"))])
    version = HiddenField()
    confirmed = HiddenField()
    leading = HiddenField()  # whether the confirmation spoke to the leader ("1") or not


class FeedbackForm(TalatForm):
    """Rate the other party of a sale (AUC-11)."""

    rating = RadioField(_l("Rating"), choices=[
        SelectChoice("positive", _l("Positive")), SelectChoice("neutral", _l("Neutral")),
        SelectChoice("negative", _l("Negative"))],
        validators=[DataRequired(_l("Choose positive, neutral or negative."))])
    comment = TextAreaField(_l("Comment"), validators=[
        Optional(), Length(max=500, message=TEXT_TOO_LONG)])


class SearchForm(TalatForm):
    """The board's search and filters (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search auctions"), validators=[Optional(), Length(max=100)])
    category = IntegerField(validators=[Optional()])
