"""Shop and listing forms: shapes and lengths only; the rules live in the services."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.blueprints.accounts.forms import REQUIRED, TEXT_TOO_LONG, TOO_LONG
from app.forms import BAHT_INPUT, TalatForm, WholeNumber, chosen_id


class ShopForm(TalatForm):
    """Open a shop (SHOP-1)."""

    name = StringField(_l("Shop name"), validators=[DataRequired(REQUIRED),
                                                    Length(max=80, message=TOO_LONG)])
    slug = StringField(_l("Web address"), validators=[DataRequired(REQUIRED),
                                                      Length(max=60, message=TOO_LONG)])
    description = TextAreaField(_l("About the shop"), validators=[
        Optional(), Length(max=5000, message=TEXT_TOO_LONG)])


class ShopEditForm(TalatForm):
    """Change a shop's details and logo."""

    name = StringField(_l("Shop name"), validators=[DataRequired(REQUIRED),
                                                    Length(max=80, message=TOO_LONG)])
    description = TextAreaField(_l("About the shop"), validators=[
        Optional(), Length(max=5000, message=TEXT_TOO_LONG)])
    logo = FileField(_l("Logo"))
    bank_name = StringField(_l("Bank"), validators=[Optional(), Length(max=60, message=TOO_LONG)])
    bank_account_name = StringField(_l("Account name"), validators=[
        Optional(), Length(max=100, message=TOO_LONG)])
    bank_account_number = StringField(_l("Account number"), validators=[
        Optional(), Length(max=20, message=TOO_LONG)])
    promptpay_id = StringField(_l("PromptPay number"), validators=[
        Optional(), Length(max=20, message=TOO_LONG)])


class MemberEmailForm(TalatForm):
    """Name a member by e-mail (staff, circle)."""

    email = StringField(_l("Member's e-mail address"), validators=[
        DataRequired(REQUIRED), Length(max=254, message=TOO_LONG)])


#: A plan value that is none of the plans (a tampered form, a page from before a plan was
#: withdrawn): refused on the plan field, the shop's plan unchanged (SHOP-2).
UNKNOWN_PLAN = _l("Choose one of the plans in the list: the plan sent is not one of them (the "
                  "page may be out of date). The shop's plan has not changed.")


class PlanField(SelectField):
    """The plan menu: a value outside its choices says so in the product's words (WTForms'
    bare "Not a valid choice." named no plan and no outcome)."""

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(str(UNKNOWN_PLAN)) from None


class PlanForm(TalatForm):
    """Admin: set a shop's plan (SHOP-2)."""

    plan = PlanField(_l("Plan"))


CONDITION_LABELS = {"new": _l("New"), "like_new": _l("Like new"), "good": _l("Good"),
                    "fair": _l("Fair"), "for_parts": _l("For parts or repair")}
RATING_LABELS = {"general": _l("Everyone"), "adult": _l("Adults only (18+)"),
                 "restricted": _l("Only my shop's circle")}


LISTING_QUANTITY_RANGE = _l("Quantity is a whole number from 0 to 9999.")


class ListingForm(TalatForm):
    """Post or edit a listing (SHOP-3)."""

    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED),
                                                 Length(max=120, message=TOO_LONG)])
    description = TextAreaField(_l("Description"), validators=[
        Optional(), Length(max=5000, message=TEXT_TOO_LONG)])
    category_id = SelectField(_l("Category"), coerce=chosen_id, validate_choice=False)
    price = StringField(_l("Price (baht)"), render_kw=BAHT_INPUT,
                        validators=[DataRequired(REQUIRED), Length(max=20, message=TOO_LONG)])
    quantity = IntegerField(_l("Quantity"), default=1, validators=[
        WholeNumber(LISTING_QUANTITY_RANGE), Optional(),
        NumberRange(min=0, max=9999, message=LISTING_QUANTITY_RANGE)])
    condition = SelectField(_l("Condition"), choices=[
        SelectChoice(key, label) for key, label in CONDITION_LABELS.items()])
    content_rating = SelectField(_l("Who may see it"), choices=[
        SelectChoice(key, label) for key, label in RATING_LABELS.items()])
    certificate_issuer = StringField(_l("Certificate issuer"), validators=[
        Optional(), Length(max=120, message=TOO_LONG)])
    certificate_number = StringField(_l("Certificate number"), validators=[
        Optional(), Length(max=60, message=TOO_LONG)])
    certificate_photo = FileField(_l("Photo of the certificate"))
    photos = MultipleFileField(_l("Photos (up to 10)"))
    #: On the edit form: the quantity available when it was opened (orders change it).
    quantity_was = HiddenField()


class PhotoForm(TalatForm):
    """Add photos to a listing."""

    photos = MultipleFileField(_l("Add photos"))

