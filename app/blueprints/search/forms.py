"""The search form: a GET form (no CSRF; it changes nothing) that checks shape only."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SearchField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from app.blueprints.shops.categories import grouped_choices
from app.forms import TalatForm
from app.money import baht_digits
from app.search.service import MAX_QUERY_LENGTH

MAX_PRICE_BAHT = 100_000_000
PRICE_RANGE = _l("Enter a whole number of baht from 0 to 100,000,000.")
SHOP_NOT_FOUND = _l("This shop cannot be found or is closed.")

#: Same wording as the listing form, so both share one translation.
CONDITION_LABELS = {"new": _l("New"), "like_new": _l("Like new"), "good": _l("Good"),
                    "fair": _l("Fair"), "for_parts": _l("For parts or repair")}
SORT_LABELS = {"relevance": _l("Best match"), "newest": _l("Newest first"),
               "price_asc": _l("Price: low to high"), "price_desc": _l("Price: high to low")}


class WholeBahtField(IntegerField):
    """A whole number of baht, as people type it: "1,500" and "฿1500" both read as 1500.

    Commas must separate thousands: "1,50" is refused, not read as 150.
    """

    def process_formdata(self, valuelist):
        try:
            if valuelist and valuelist[0].strip():
                valuelist = [baht_digits(valuelist[0])]
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(PRICE_RANGE) from None

    def post_validate(self, form, validation_stopped):
        """One message for one mistake (the reading and the range said the same thing)."""
        self.errors = list(dict.fromkeys(str(error) for error in self.errors))


def _price_field(label):
    return WholeBahtField(label, validators=[
        Optional(), NumberRange(min=0, max=MAX_PRICE_BAHT, message=PRICE_RANGE)],
        # A text box, not type=number: the browser would block the request without a word
        # while htmx searches as you type; the server explains instead, in the user's language.
        render_kw={"type": "text", "inputmode": "numeric", "autocomplete": "off",
                   "maxlength": 12})


class SearchForm(TalatForm):
    """What to find and how to narrow it down. Prices are whole baht."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search for"), validators=[
        Length(max=MAX_QUERY_LENGTH, message=_l("Search for at most %(max)d characters."))],
        render_kw={"maxlength": MAX_QUERY_LENGTH, "autocomplete": "off",
                   "placeholder": _l("Search amulets, collectibles, shops…")})
    category = SelectField(_l("Category"), default="")
    min_price = _price_field(_l("Lowest price (baht)"))
    max_price = _price_field(_l("Highest price (baht)"))
    condition = SelectField(_l("Condition"), default="", choices=[
        SelectChoice("", _l("Any condition")),
        *(SelectChoice(key, label) for key, label in CONDITION_LABELS.items())])
    sort = SelectField(_l("Sort by"), default="relevance", choices=[
        SelectChoice(key, label) for key, label in SORT_LABELS.items()])
    shop = HiddenField(_l("Shop"), validators=[Length(max=60, message=SHOP_NOT_FOUND)])

    def __init__(self, *args, lang="th", **kwargs):
        """The category menu is the category tree, grouped, in ``lang``."""
        super().__init__(*args, **kwargs)
        self.category.choices = [SelectChoice("", _l("All categories"))] + grouped_choices(
            lang, value=lambda node: str(node.id))

    def validate_max_price(self, field):
        """The range must not be upside down."""
        low = self.min_price.data
        if field.data is not None and low is not None and low > field.data:
            raise ValidationError(_l("The highest price must not be below the lowest price."))

    def filters(self):
        """The validated filters as :func:`app.search.service.search_listings` takes them."""
        def satang(baht):
            return None if baht is None else baht * 100

        return {"category_id": int(self.category.data) if self.category.data else None,
                "min_price_satang": satang(self.min_price.data),
                "max_price_satang": satang(self.max_price.data),
                "condition": self.condition.data or None,
                "sort": self.sort.data or "relevance"}
