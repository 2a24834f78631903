"""The form renderer's widgets and error lists written in Python print what Django's templates printed."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django import forms
from django.contrib.auth.models import User
from django.core.management import call_command
from django.forms.boundfield import BoundField
from django.test import override_settings
from django.utils.safestring import mark_safe

from common import widgets
from reports.models import KPI

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
PAGES = [
    ("lead", "/teams/payments/weeks/2024-W33/edit/"),
    ("lead", "/teams/payments/weeks/2024-W34/edit/"),
    ("manager", "/incidents/"),
    ("manager", "/kpis/?week=2024-W33&group=x"),
    ("manager", "/okrs/"),
    ("admin", "/admin/reports/kpi/add/"),
    ("admin", "/admin/incidents/incident/add/"),
    ("admin", "/admin/reports/kpivalue/?kpi__team__id__exact=1"),
]


@pytest.fixture
def demo(db):
    # Per test: data committed beside a running xdist worker would leak into other modules' tests.
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=StringIO())


def page(client, url: str, language: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    return CSRF.sub("", response.content.decode())


@pytest.mark.parametrize(("user", "url"), PAGES)
def test_pages_print_the_same_forms(demo, client, monkeypatch, user, url):
    client.force_login(User.objects.get(username=user))
    real = widgets.WidgetRenderer.render
    for language in ("en", "zh-hans"):
        calls = []
        with monkeypatch.context() as spy:
            spy.setattr(
                widgets.WidgetRenderer,
                "render",
                lambda *args, calls=calls, **kw: calls.append(1) or real(*args, **kw),
            )
            written = page(client, url, language)
        assert calls
        with monkeypatch.context() as off:
            off.setattr(widgets, "ENABLED", False)
            assert page(client, url, language) == written


class Everything(forms.Form):
    text = forms.CharField(
        initial='a "quoted" <b>', widget=forms.TextInput(attrs={"data-x": "1 < 2", "required": True})
    )
    safe = forms.CharField(initial=mark_safe("<i>safe</i>"))
    number = forms.DecimalField(initial="1.50", required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, initial="")
    check = forms.BooleanField(initial=True, required=False)
    off = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"disabled": False}))
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    email = forms.EmailField(required=False)
    note = forms.CharField(widget=forms.Textarea, initial="line\n<two>")
    empty_note = forms.CharField(widget=forms.Textarea, required=False)
    unit = forms.ChoiceField(choices=KPI.Unit.choices, initial=KPI.Unit.PERCENT)
    grouped = forms.ChoiceField(
        choices=[("", "---"), ("Group <1>", [("a", "A & B"), ("b", "B")]), ("c", "C")]
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], initial=["x", "y"])

    def clean(self):
        # A form-wide error list ("errorlist nonfield", no field id) with markup to escape, beside
        # the field lists (with their ids) that the invalid number and blank required fields give.
        raise forms.ValidationError(["one <b>", mark_safe("two <i>safe</i>")])


@pytest.mark.parametrize("bound", [False, True])
def test_every_widget_kind_and_error_list_prints_as_its_template(monkeypatch, bound):
    data = {"text": "x' y", "number": "abc", "note": "", "unit": "count", "many": ["y"], "check": "on"}

    def printed(form):
        errors = [form["number"].errors, form.non_field_errors().as_ul(), form.errors, form.errors.as_ul()]
        return str(form) + "".join(str(error) for error in errors)

    written = printed(Everything(data if bound else None))
    assert ('class="errorlist nonfield"' in written) is bound
    monkeypatch.setattr(widgets, "ENABLED", False)
    assert printed(Everything(data if bound else None)) == written


class Hidden(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, initial='a "b" <c>')
    count = forms.IntegerField(widget=forms.HiddenInput, initial=3)


@pytest.mark.parametrize("data", [None, {"token": "x", "count": "4"}, {"token": "x", "count": "many"}])
def test_a_form_of_hidden_fields_prints_as_its_template(monkeypatch, data):
    # Valid or not: with an error, div.html prints the error list and wraps the fields in a <div>.
    formset = forms.formset_factory(Everything, extra=2)(prefix="rows")
    written = str(Hidden(data)) + str(formset.management_form)
    monkeypatch.setattr(widgets, "ENABLED", False)
    formset = forms.formset_factory(Everything, extra=2)(prefix="rows")
    assert str(Hidden(data)) + str(formset.management_form) == written


class Described(forms.Form):
    # Help text, a required select without an empty choice, a required one with it, a preset id.
    code = forms.CharField(help_text="Two <letters>", max_length=2)
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
    pick = forms.ChoiceField(choices=[("", "---"), ("a", "A")])
    fixed = forms.CharField(required=False, widget=forms.TextInput(attrs={"id": "mine"}))
    described = forms.CharField(required=False, widget=forms.Textarea(attrs={"aria-describedby": "x"}))
    when = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


@pytest.mark.parametrize("form_class", [Everything, Described])
@pytest.mark.parametrize("state", ["unbound", "bound", "disabled"])
def test_a_bound_field_prints_as_its_template(monkeypatch, form_class, state):
    data = {"text": "x' y", "number": "abc", "code": "abc", "kind": "z", "when": "soon", "many": ["y"]}

    def make():
        form = form_class(None if state == "unbound" else data, initial={"when": "2024-08-12"})
        for field in form.fields.values():
            field.disabled = state == "disabled"
        return form

    form = make()
    general = []
    with monkeypatch.context() as spy:
        real = BoundField.as_widget
        spy.setattr(BoundField, "as_widget", lambda *args, **kw: general.append(1) or real(*args, **kw))
        written = {name: widgets.field_html(form[name]) for name in form.fields}
    # Most fields take the short way (the multiple select does not).
    assert len(general) <= 1
    assert written == {name: str(form[name]) for name in form.fields}
    monkeypatch.setattr(widgets, "ENABLED", False)
    form = make()
    assert {name: str(form[name]) for name in form.fields} == written
