"""Every input has a bound (``core.bounds``): a walk over every serializer and form class of the
project, every admin form, and every request body of the OpenAPI document, so a new endpoint or
page is covered without a test of its own; then the bounds at work (a 2 MB description refused
by the API and by the page, lists of references, nested lists, numbers that are not finite)."""

import datetime
import importlib
import pkgutil
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

from anjian.core import bounds
from anjian.core.api_fields import BoundedFieldsMixin, Serializer
from anjian.core.forms import BoundedFormMixin, Form
from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import act_as

# Modules that hold serializers and forms (imported so that every class exists to be walked).
MODULE_PREFIXES = ("api", "forms", "views", "admin", "serializers")


def project_modules():
    for config in apps.get_app_configs():
        if not config.name.startswith("anjian."):
            continue
        for info in pkgutil.iter_modules([config.path]):
            if info.name.startswith(MODULE_PREFIXES):
                importlib.import_module(f"{config.name}.{info.name}")


def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def project_classes(base):
    """The classes derived from ``base`` that the project declares (not tests, not classes made
    inside a function such as the filter sets' forms, not third-party ones)."""
    project_modules()
    return sorted({c for c in subclasses(base) if c.__module__.startswith("anjian.") and ".tests" not in c.__module__
                   and "<locals>" not in c.__qualname__}, key=lambda c: f"{c.__module__}.{c.__qualname__}")


# --- the walks ------------------------------------------------------------------------------------

def test_every_serializer_derives_from_the_bounded_base():
    # given every serializer class of the project (lists of serializers are DRF's plumbing)
    found = [c for c in project_classes(serializers.BaseSerializer) if not issubclass(c, serializers.ListSerializer)]
    assert len(found) > 100
    # then each bounds its fields: derive from anjian.core.api_fields.Serializer / ModelSerializer
    assert [f"{c.__module__}.{c.__qualname__}" for c in found if not issubclass(c, BoundedFieldsMixin)] == []


def test_every_form_derives_from_the_bounded_base():
    # given every form class of the project, then each derives from core.forms.Form / ModelForm
    found = project_classes(forms.BaseForm)
    assert len(found) > 40
    assert [f"{c.__module__}.{c.__qualname__}" for c in found if not issubclass(c, BoundedFormMixin)] == []


@pytest.mark.django_db
def test_every_admin_form_is_bounded(world):
    # given every admin page of the project's models, as an administrator opens it
    request = RequestFactory().get("/admin/")
    request.user = world.users[Role.ADMIN]
    unbounded = []
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("anjian."):
            continue
        form = model_admin.get_form(request)()
        # then every field it offers has a bound
        unbounded += [f"{model.__name__}.{name}" for name, field in form.fields.items()
                      if not getattr(field, "_anjian_bounded", False) and not field.disabled]
    assert unbounded == []


# Strings whose format bounds them (a date, a key) and uploads (bounded by size and count).
BOUNDED_FORMATS = {"date", "date-time", "time", "uuid", "binary", "decimal", "email", "uri"}


def unbounded_request_fields(schema) -> list[str]:
    """Every property a client may send, in every request body of ``schema``, that states no
    bound: a string without maxLength (or enum / bounded format), a number without minimum and
    maximum, a list without maxItems."""
    components = schema["components"]["schemas"]
    found: set[str] = set()

    def walk(node, where, seen):
        ref = node.get("$ref")
        if ref:
            name = ref.rsplit("/", 1)[1]
            if name in seen:
                return
            node, where, seen = components[name], name, seen | {name}
        for part in node.get("allOf", []) + node.get("oneOf", []) + node.get("anyOf", []):
            walk(part, where, seen)
        kind = node.get("type")
        if kind == "object":
            for key, prop in node.get("properties", {}).items():
                if not prop.get("readOnly"):
                    walk(prop, f"{where}.{key}", seen)
            if isinstance(node.get("additionalProperties"), dict):
                walk(node["additionalProperties"], f"{where}.*", seen)
        elif kind == "array":
            if "maxItems" not in node:
                found.add(f"{where} (maxItems)")
            walk(node.get("items", {}), f"{where}[]", seen)
        elif kind == "string":
            if "enum" not in node and node.get("format") not in BOUNDED_FORMATS and "maxLength" not in node:
                found.add(f"{where} (maxLength)")
        elif kind in ("integer", "number") and ("minimum" not in node or "maximum" not in node):
            found.add(f"{where} (minimum/maximum)")

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for media in (operation.get("requestBody") or {}).get("content", {}).values():
                walk(media["schema"], f"{method.upper()} {path}", frozenset())
    return sorted(found)


@pytest.mark.django_db
def test_every_request_body_states_its_bounds():
    # given the OpenAPI document as the API serves it
    schema = SchemaGenerator().get_schema(request=None, public=True)
    # then every string, number and list a client may send states its bound
    assert unbounded_request_fields(schema) == []


def test_the_walk_finds_an_unbounded_field():
    # given a request body with a string, a number and a list without bounds, then the walk names each
    schema = {"components": {"schemas": {"X": {"type": "object", "properties": {
        "text": {"type": "string"}, "count": {"type": "integer", "minimum": 0}, "ids": {"type": "array", "items": {
            "type": "integer", "minimum": 1, "maximum": 9}}, "day": {"type": "string", "format": "date"},
        "id": {"type": "integer", "readOnly": True}}}}},
        "paths": {"/x/": {"post": {"requestBody": {"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/X"}}}}}}}}
    assert unbounded_request_fields(schema) == ["X.count (minimum/maximum)", "X.ids (maxItems)", "X.text (maxLength)"]


# --- the mechanism ----------------------------------------------------------------------------------

class _Nested(Serializer):
    name = serializers.CharField()


class _Probe(Serializer):
    text = serializers.CharField()
    short = serializers.CharField(max_length=10)
    count = serializers.IntegerField(min_value=0)
    amount = serializers.DecimalField(max_digits=8, decimal_places=2)
    ratio = serializers.FloatField(required=False)
    words = serializers.ListField(child=serializers.CharField(), required=False)
    rows = _Nested(many=True, required=False)
    shown = serializers.CharField(read_only=True)


def test_a_serializer_on_the_base_gets_every_missing_bound():
    fields = _Probe().fields
    # then a free text gets TEXT_MAX, a declared bound stays, an integer its range, lists their length
    assert fields["text"].max_length == bounds.TEXT_MAX and fields["short"].max_length == 10
    assert (fields["count"].min_value, fields["count"].max_value) == (0, bounds.INT_MAX)
    assert fields["words"].max_length == bounds.LIST_MAX and fields["words"].child.max_length == bounds.TEXT_MAX
    assert fields["rows"].max_length == bounds.LIST_MAX
    assert fields["rows"].child.fields["name"].max_length == bounds.TEXT_MAX
    assert fields["ratio"].max_value == bounds.NUMBER_MAX


@pytest.mark.parametrize(("data", "field"), [
    ({"text": "灭" * (bounds.TEXT_MAX + 1)}, "text"),
    ({"count": 10**30}, "count"),
    ({"amount": "1e400"}, "amount"),
    ({"ratio": "nan"}, "ratio"),
    ({"ratio": "1e400"}, "ratio"),
    ({"words": ["a"] * (bounds.LIST_MAX + 1)}, "words"),
    ({"rows": [{"name": "a"}] * (bounds.LIST_MAX + 1)}, "rows"),
])
def test_a_value_beyond_a_bound_is_refused_naming_the_field(data, field):
    body = {"text": "a", "short": "b", "count": 1, "amount": "1.00", **data}
    serializer = _Probe(data=body)
    assert not serializer.is_valid()
    assert field in serializer.errors, serializer.errors


def test_values_within_the_bounds_pass():
    body = {"text": "灭" * bounds.TEXT_MAX, "short": "b", "count": 1, "amount": "123456.78", "ratio": 0.5,
            "words": ["a"] * 3, "rows": [{"name": "a"}]}
    serializer = _Probe(data=body)
    assert serializer.is_valid(), serializer.errors


class _ProbeForm(Form):
    text = forms.CharField()
    count = forms.IntegerField(min_value=0)
    amount = forms.DecimalField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["late"] = forms.CharField(required=False)  # added after the base ran


def test_a_form_on_the_base_gets_every_missing_bound():
    form = _ProbeForm()
    assert form.fields["text"].max_length == bounds.TEXT_MAX
    assert f'maxlength="{bounds.TEXT_MAX}"' in str(form["text"])
    assert form.fields["count"].max_value == bounds.INT_MAX and f'max="{bounds.INT_MAX}"' in str(form["count"])
    form = _ProbeForm(data={"text": "a", "count": str(10**30), "amount": "NaN", "late": "x" * (bounds.TEXT_MAX + 1)})
    assert not form.is_valid()
    assert set(form.errors) == {"count", "amount", "late"}
    assert _ProbeForm(data={"text": "a", "count": "3", "amount": Decimal("2.5")}).is_valid()


# --- the bounds at work ------------------------------------------------------------------------------

def in_days(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


@pytest.mark.django_db
def test_a_2mb_hazard_description_is_refused_by_the_api(world, api):
    # given an administrator reporting a hazard whose description is 2 MB of text
    client = act_as(api, world.users[Role.ADMIN])
    body = {"enterprise": world.ent_a.pk, "location": "三号库房", "description": "灭" * 700_000,
            "deadline": in_days(7)}
    response = client.post("/api/hazards/", body, format="json")
    # then it is a 400 naming the description, and nothing is stored
    assert response.status_code == 400 and "description" in response.json(), response.status_code
    body["description"] = "灭" * bounds.TEXT_MAX
    assert client.post("/api/hazards/", body, format="json").status_code == 201


@pytest.mark.django_db
def test_a_description_beyond_the_bound_is_refused_by_the_page(world, client):
    # given the enterprise's safety manager on the report page, with a description one character
    # too long (a 2 MB one never reaches the form: Django refuses a form body over 2.5 MB)
    client.force_login(world.users[Role.ENTERPRISE])
    response = client.post(reverse("hazards:create"), {
        "location": "二车间", "description": "灭" * (bounds.TEXT_MAX + 1), "category": "object", "grade": "general",
        "found_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "deadline": in_days(5)})
    # then the page answers with the form again, the error next to the description, and the
    # field tells the browser its limit
    assert response.status_code == 400
    assert "description" in response.context["form"].errors
    assert f'maxlength="{bounds.TEXT_MAX}"' in response.content.decode()


@pytest.mark.django_db
def test_a_list_of_references_is_refused_by_its_length_before_any_lookup(world, api, django_assert_max_num_queries):
    # given a user record whose industries list is longer than any list a client may send
    client = act_as(api, world.users[Role.ADMIN])
    user = world.users[Role.INDUSTRY_OFFICER]
    with django_assert_max_num_queries(30):
        response = client.patch(f"/api/users/{user.pk}/", {"scope_industries": ["06"] * (bounds.LIST_MAX + 1)},
                                format="json")
    # then it is a 400 naming the field, without one query per item
    assert response.status_code == 400 and "scope_industries" in response.json()


# --- fields only the server sets -----------------------------------------------------------------------

# The demo label (set by the demo generator only) and the bookkeeping every record carries.
SERVER_SET = {"is_demo", "region_path", "version_number", "created_by", "created_at", "is_voided", "voided_at"}


def _constructible(cls):
    try:
        return cls()
    except Exception:  # noqa: BLE001 -- a serializer that needs arguments: read its declared fields
        return None


def test_no_serializer_lets_a_client_set_a_server_field():
    # given every serializer of the project (not only those the schema shows)
    offenders = []
    for cls in project_classes(serializers.BaseSerializer):
        if issubclass(cls, serializers.ListSerializer) or (
                issubclass(cls, serializers.ModelSerializer) and not hasattr(cls, "Meta")):
            continue
        serializer = _constructible(cls)
        fields = serializer.fields if serializer is not None else cls._declared_fields
        # then none accepts the demo label or the record's bookkeeping from a client
        offenders += [f"{cls.__module__}.{cls.__qualname__}.{name}" for name, field in fields.items()
                      if name in SERVER_SET and not field.read_only]
    assert offenders == []


def test_no_form_lets_a_client_set_a_server_field():
    offenders = [f"{cls.__module__}.{cls.__qualname__}.{name}" for cls in project_classes(forms.BaseForm)
                 for name, field in getattr(cls, "base_fields", {}).items()
                 if name in SERVER_SET and not field.disabled]
    assert offenders == []


@pytest.mark.django_db
def test_no_admin_page_lets_anyone_set_the_demo_label(world):
    request = RequestFactory().get("/admin/")
    request.user = world.users[Role.ADMIN]
    offenders = [model.__name__ for model, model_admin in admin.site._registry.items()
                 if model.__module__.startswith("anjian.") and "is_demo" in model_admin.get_form(request)().fields]
    assert offenders == []


@pytest.mark.django_db
def test_is_demo_sent_by_a_client_is_ignored(world, api):
    # given an administrator creating an enterprise and a hazard, each with is_demo true
    from anjian.enterprises.models import Enterprise
    from anjian.hazards.models import Hazard

    client = act_as(api, world.users[Role.ADMIN])
    response = client.post("/api/hazards/", {"enterprise": world.ent_a.pk, "location": "库房", "description": "通道堵塞",
                                             "deadline": in_days(7), "is_demo": True}, format="json")
    assert response.status_code == 201
    # then the record is not a demo record
    assert Hazard.objects.get(pk=response.json()["id"]).is_demo is False
    response = client.patch(f"/api/enterprises/{world.ent_a.pk}/", {"is_demo": True}, format="json")
    assert response.status_code in (200, 400)
    assert Enterprise.objects.get(pk=world.ent_a.pk).is_demo is False
