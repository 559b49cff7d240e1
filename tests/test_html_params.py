"""Our quicker ``html_params`` renders exactly what WTForms' own does, and it is the one that
labels and inputs use once the app is created."""
from markupsafe import Markup
from wtforms import Form, StringField, SubmitField
from wtforms.widgets import core

from app.forms import html_params

ORIGINAL = core.html_params.__wrapped__ if hasattr(core.html_params, "__wrapped__") else None

CASES = [
    {}, {"name": "q"}, {"id": "q", "name": "q", "maxlength": 100, "type": "search"},
    {"class_": "btn", "for_": "x"}, {"data_hx_get": "/a?b=1&c=2", "aria_invalid": "false"},
    {"checked": True, "readonly": False, "value": 'say "hi" <b>'},
    {"value": Markup('<i class="x">')}, {"value": None, "placeholder": "ค้นหา…"},
    {"onclick": "alert('x')", "title": "&amp; &"}, {"min": 0, "step": 1.5},
]

def wtforms_html_params(**kwargs):
    """WTForms 3's implementation, copied here to compare against."""
    params = []
    for k, v in sorted(kwargs.items()):
        k = core.clean_key(k)
        if v is True:
            params.append(k)
        elif v is False:
            pass
        else:
            v = core.escape(v).replace(Markup('"'), Markup("&quot;"))
            params.append(Markup('{k}="{v}"').format(k=k, v=v))
    return Markup(" ").join(params)

def test_the_same_markup_as_wtforms():
    for case in CASES:
        ours, theirs = html_params(**case), wtforms_html_params(**case)
        assert ours == theirs and isinstance(ours, Markup), case

def test_labels_and_inputs_use_it(app):
    class F(Form):
        name = StringField("Name <you>", render_kw={"placeholder": 'a "b"'})
        go = SubmitField("Go")

    form = F()
    assert core.html_params is html_params
    assert str(form.name.label()) == '<label for="name">Name &lt;you&gt;</label>'
    assert str(form.name()) == ('<input id="name" name="name" placeholder="a &#34;b&#34;" '
                                'type="text" value="">')
    assert str(form.go()) == '<input id="go" name="go" type="submit" value="Go">'
