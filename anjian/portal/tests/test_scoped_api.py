"""The scoping mechanisms the walk (test_scoping_walk) relies on (issue #11):

- the API's viewset base restricts the queryset before any subclass sees it, and refuses a
  viewset that reads beside it, a model with no scope that does not say why, an exemption of a
  scoped model;
- no endpoint or page narrows a queryset by hand (``for_user`` appears only in core);
- every serializer field naming a scoped record or an account is scoped by the one mechanism
  (ScopedRelatedFieldsMixin), or exempt with the reason; an account must be one the caller may
  see (``users_visible_to``) — the references that accepted any account (a control measure's
  owner, a risk point's responsible person, a major hazard source's responsible person) now
  refuse one of another county.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from rest_framework import serializers
from rest_framework.test import APIRequestFactory, force_authenticate

import anjian
from anjian.core.api import ScopedReadOnlyViewSet, ScopedRelatedFieldsMixin
from anjian.core.scoping import users_visible_to
from anjian.enterprises.api import EnterpriseSerializer
from anjian.enterprises.models import Enterprise, Industry
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_user
from anjian.portal.testing.mixins import OTHER_COUNTY, act_as, api_url, fresh

pytestmark = pytest.mark.django_db

ROOT = Path(anjian.__file__).parent


# --- the viewset base ------------------------------------------------------------------------------


class BesideTheBase(ScopedReadOnlyViewSet):
    queryset = Enterprise.objects.all()
    serializer_class = EnterpriseSerializer

    def get_queryset(self):
        return Enterprise.objects.all()  # reads beside the restricted queryset


class UnscopedWithoutReason(ScopedReadOnlyViewSet):
    queryset = Industry.objects.all()
    serializer_class = EnterpriseSerializer


class ExemptButScoped(ScopedReadOnlyViewSet):
    queryset = Enterprise.objects.all()
    serializer_class = EnterpriseSerializer
    scope_exempt = "reference data"


class OnTheBase(ScopedReadOnlyViewSet):
    queryset = Enterprise.objects.all()
    serializer_class = EnterpriseSerializer

    def get_queryset(self):
        return super().get_queryset().order_by("name")


def get(viewset, user, **kwargs):
    request = APIRequestFactory().get("/")
    force_authenticate(request, user=fresh(user))
    action = "retrieve" if kwargs else "list"
    return viewset.as_view({"get": action})(request, **kwargs)


@pytest.mark.parametrize("viewset", [BesideTheBase, UnscopedWithoutReason, ExemptButScoped],
                         ids=["beside-the-base", "unscoped-without-reason", "exempt-but-scoped"])
def test_the_base_refuses_a_viewset_that_could_skip_the_scope(world, viewset):
    # given a viewset that reads beside the base, or a model with no scope and no reason, or an exempt scoped model
    # when anyone calls it, then it is refused loudly rather than answering unscoped rows
    with pytest.raises(ImproperlyConfigured):
        get(viewset, world.users[Role.ADMIN])


def test_a_viewset_cannot_bring_its_own_scope_rule():
    # given a viewset that would replace the rule (the model's Scoping) by its own, then it cannot be declared
    with pytest.raises(TypeError):
        type("OwnRule", (ScopedReadOnlyViewSet,), {"queryset": Enterprise.objects.all(),
                                                   "restrict": lambda self, queryset, user: queryset})


def test_a_viewset_built_on_the_base_answers_the_callers_rows_only(world):
    # given a viewset that narrows super().get_queryset(), when county B's regulator reads it
    response = get(OnTheBase, world.users[OTHER_COUNTY])
    # then only county B's enterprise is in it, and county A's is not found
    assert [row["id"] for row in response.data["results"]] == [world.ent_b.pk]
    assert get(OnTheBase, world.users[OTHER_COUNTY], pk=world.ent_a.pk).status_code == 404


def test_before_the_request_is_authenticated_the_queryset_has_no_rows(world):
    # given a viewset not yet through initial() (DRF's model-permission check, schema generation)
    view = OnTheBase()
    # then its queryset names the model but holds no row
    assert view.get_queryset().model is Enterprise and not view.get_queryset().exists()


# --- no hand-written scoping in views and endpoints ---------------------------------------------------


def view_modules() -> list[Path]:
    return sorted(p for p in ROOT.glob("*/*.py") if p.name.startswith(("api", "views")))


def test_no_endpoint_or_page_calls_for_user_itself():
    # given every api*.py and views*.py, then none calls for_user: the viewset base and
    # core.pages.scoped_list / scoped_object_or_404 are the way in (the base itself is core/api.py)
    calls = []
    for path in view_modules():
        if path == ROOT / "core" / "api.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "for_user":
                calls.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert view_modules() and not calls, calls


# --- related fields a client sends ----------------------------------------------------------------


def serializer_classes() -> list[type]:
    out = []
    for info in pkgutil.walk_packages(anjian.__path__, "anjian."):
        leaf = info.name.rsplit(".", 1)[-1]
        if ".tests" in info.name or ".migrations" in info.name or not leaf.startswith("api"):
            continue
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if (cls.__module__ == module.__name__ and issubclass(cls, serializers.Serializer)
                    and not cls.__name__.startswith("_") and cls not in out  # "_": an abstract base
                    and not (issubclass(cls, serializers.ModelSerializer) and not hasattr(cls, "Meta"))):
                out.append(cls)
    return out


def scoped_references(cls) -> list[tuple[str, type]]:
    """The writable fields of ``cls`` naming a scoped record or an account: (name, model)."""
    out = []
    for name, field in cls().fields.items():
        target = getattr(field, "child_relation", field)
        if field.read_only or not isinstance(target, serializers.RelatedField) or target.queryset is None:
            continue
        model = target.queryset.model
        if hasattr(model, "Scoping") or model is get_user_model():
            out.append((name, model))
    return out


def test_every_reference_to_a_scoped_record_or_an_account_is_scoped():
    # given every serializer of every API module
    classes = serializer_classes()
    assert len(classes) > 50
    problems = []
    for cls in classes:
        refs = scoped_references(cls)
        unscoped = getattr(cls, "unscoped_fields", {})
        # then one naming a scoped record or an account uses the mechanism
        if refs and not issubclass(cls, ScopedRelatedFieldsMixin):
            problems.append(f"{cls.__name__}: {[n for n, _m in refs]} without ScopedRelatedFieldsMixin")
        for name, model in refs:
            # and a model the mechanism cannot read through for_user is exempt with the reason
            scoped_model = model is get_user_model() or hasattr(model._default_manager, "for_user")
            if not scoped_model and name not in unscoped:
                problems.append(f"{cls.__name__}.{name}: {model.__name__} needs unscoped_fields")
        for name, reason in unscoped.items():
            if name not in dict(refs) or not str(reason).strip():
                problems.append(f"{cls.__name__}.unscoped_fields[{name!r}]: no such reference, or no reason")
    assert not problems, "\n".join(problems)


def ids(qs) -> set[int]:
    return set(qs.values_list("pk", flat=True))


def test_the_accounts_a_user_may_name(world):
    # given the world's users and a user of the construction enterprise
    u = world.users
    construction_user = make_user(Role.ENTERPRISE, scope_enterprise=world.ent_a_construction)
    county_a = {u[r].pk for r in (Role.REGULATOR, Role.INDUSTRY_OFFICER, Role.GRID_OFFICER, Role.COMMITTEE_OFFICE,
                                  Role.ENTERPRISE, Role.EXPERT)} | {construction_user.pk}
    # then an administrator may name anyone
    assert ids(users_visible_to(fresh(u[Role.ADMIN]))) >= county_a | {u[OTHER_COUNTY].pk}
    # a county's regulator: the accounts of their county, not another county's
    assert ids(users_visible_to(fresh(u[Role.REGULATOR]))) == county_a
    assert ids(users_visible_to(fresh(u[OTHER_COUNTY]))) == {u[OTHER_COUNTY].pk}
    # an industry-department officer (construction): the region's officers, enterprise users of construction only
    assert ids(users_visible_to(fresh(u[Role.INDUSTRY_OFFICER]))) == county_a - {u[Role.ENTERPRISE].pk}
    # a grid officer: their grid's officers and enterprise users (the construction enterprise has no grid)
    assert ids(users_visible_to(fresh(u[Role.GRID_OFFICER]))) == {u[Role.GRID_OFFICER].pk, u[Role.ENTERPRISE].pk}
    # an enterprise user: the users of their enterprise
    assert ids(users_visible_to(fresh(u[Role.ENTERPRISE]))) == {u[Role.ENTERPRISE].pk}


# The references that accepted any account before the mechanism covered accounts (real holes):
# each refuses an account of another county and accepts one of the caller's scope.


def test_a_control_measures_owner_must_be_an_account_the_caller_may_see(world, api):
    from anjian.risks.tests.factories import make_point

    point = make_point(world)
    client = act_as(api, world.users[Role.REGULATOR])
    body = {"risk_point": point.pk, "content": "每班检查液位计", "control_level": "team", "measure_type": "management"}
    # given county A's regulator, when they name county B's regulator as the owner, then 400 names the field
    refused = client.post(api_url("control-measure"), {**body, "owner_user": world.users[OTHER_COUNTY].pk},
                          format="json")
    assert refused.status_code == 400 and "owner_user" in refused.json(), refused.content
    # and an account of their county is accepted
    accepted = client.post(api_url("control-measure"), {**body, "owner_user": world.users[Role.ENTERPRISE].pk},
                           format="json")
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["owner_user"] == world.users[Role.ENTERPRISE].pk


def test_a_risk_points_responsible_user_must_be_an_account_the_caller_may_see(world, api):
    from anjian.risks.tests.factories import make_point

    point = make_point(world)
    client = act_as(api, world.users[Role.ENTERPRISE])
    url = api_url("risk-point", point.pk)
    # given ent_a's user, when they name county B's regulator responsible, then 400 names the field and nothing changes
    refused = client.patch(url, {"responsible_user": world.users[OTHER_COUNTY].pk}, format="json")
    assert refused.status_code == 400 and "responsible_user" in refused.json(), refused.content
    point.refresh_from_db()
    assert point.responsible_user_id is None
    # and naming a user of another enterprise of the same township is refused the same way
    other = make_user(Role.ENTERPRISE, scope_enterprise=world.ent_a_construction)
    assert client.patch(url, {"responsible_user": other.pk}, format="json").status_code == 400
    # while naming themselves is accepted
    accepted = client.patch(url, {"responsible_user": world.users[Role.ENTERPRISE].pk}, format="json")
    assert accepted.status_code == 200, accepted.content


def test_a_major_hazard_sources_responsible_person_must_be_an_account_the_caller_may_see(world, api):
    from anjian.majorhazards import services

    source = services.create_source(actor=world.users[Role.ADMIN], enterprise=world.ent_a, data={
        "name": "液氯储罐区", "unit_kind": "storage", "population_500m": 10},
        substances=[{"name": "氯", "cas": "7782-50-5", "quantity_t": 40}])
    client = act_as(api, world.users[Role.REGULATOR])
    body = {"source": source.pk, "role": "principal", "name": "张三", "appointed_on": "2026-03-01"}
    # given county A's regulator, when they link county B's regulator's account, then 400 names the field
    refused = client.post(api_url("major-hazard-person"), {**body, "user": world.users[OTHER_COUNTY].pk},
                          format="json")
    assert refused.status_code == 400 and "user" in refused.json(), refused.content
    assert not source.persons.exists()
    # and an account of the enterprise is accepted
    accepted = client.post(api_url("major-hazard-person"), {**body, "user": world.users[Role.ENTERPRISE].pk},
                           format="json")
    assert accepted.status_code == 201, accepted.content
