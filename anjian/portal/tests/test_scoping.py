"""Jurisdiction scoping (``for_user``): how each kind of user's scope is resolved, how it is
applied to every scoped model, the fallbacks for models without a grid/enterprise key, voided
rows, and the refusal to scope a model that declares no Scoping."""

import pytest
from django.contrib.auth.models import AnonymousUser

from anjian.core import scoping
from anjian.core.scoping import Scope, scope_of
from anjian.core.services import void_record
from anjian.enterprises.models import Enterprise, Industry, Supervision
from anjian.orgs.choices import DepartmentKind, Role
from anjian.orgs.models import Department, User
from anjian.portal.testing.factories import (
    DepartmentFactory,
    EnterpriseFactory,
    GridFactory,
    RegionFactory,
    make_user,
)
from anjian.portal.testing.mixins import (
    fresh,
)
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Grid, Region

pytestmark = pytest.mark.django_db


# --- resolving a user's scope ------------------------------------------------------------


def test_scope_kinds_of_the_world(world):
    # given one user per role, when their scopes are resolved, then each has the kind and key of its role
    scopes = {key: scope_of(fresh(user)) for key, user in world.users.items()}
    assert scopes[Role.ADMIN] == Scope(scoping.ALL)
    assert scopes[Role.REGULATOR] == Scope(scoping.REGION, path=world.county_a.path)
    assert scopes[Role.COMMITTEE_OFFICE] == Scope(scoping.REGION, path=world.county_a.path)
    assert scopes[Role.EXPERT] == Scope(scoping.REGION, path=world.county_a.path)
    assert scopes["other_county"] == Scope(scoping.REGION, path=world.county_b.path)
    assert scopes[Role.GRID_OFFICER] == Scope(scoping.GRID, grid_id=world.grid_a.pk,
                                              fallback_path=world.township_a.path)
    assert scopes[Role.ENTERPRISE] == Scope(scoping.ENTERPRISE, enterprise_id=world.ent_a.pk,
                                            fallback_path=world.township_a.path)


def test_industry_scope_includes_sub_sectors(world):
    # given an industry officer scoped to construction (06)
    scope = scope_of(fresh(world.users[Role.INDUSTRY_OFFICER]))
    # then the scope holds construction and every construction sub-sector, nothing else
    expected = set(Industry.objects.filter(code__startswith="06").values_list("pk", flat=True))
    assert scope.kind == scoping.REGION and scope.path == world.county_a.path
    assert scope.industry_ids == frozenset(expected)
    assert {"06", "0601", "0602"} <= set(Industry.objects.filter(pk__in=expected).values_list("code", flat=True))


@pytest.mark.parametrize(
    "make",
    [
        lambda w: AnonymousUser(),
        lambda w: None,
        lambda w: make_user(Role.REGULATOR, scope_region=w.county_a, is_active=False),
        lambda w: make_user(Role.REGULATOR),              # no scope region configured
        lambda w: make_user(Role.COMMITTEE_OFFICE),
        lambda w: make_user(Role.GRID_OFFICER),           # no grid
        lambda w: make_user(Role.ENTERPRISE),             # no enterprise
    ],
    ids=["anonymous", "none", "inactive", "regulator-unscoped", "committee-unscoped", "grid-unscoped",
         "enterprise-unscoped"],
)
def test_unconfigured_or_anonymous_users_see_nothing(world, make):
    # given a user with no usable scope
    user = make(world)
    # when they read any scoped model, then they see nothing at all
    assert scope_of(user).kind == scoping.NONE
    for model in (Region, Grid, Department, Enterprise, Supervision, User):
        assert not model.objects.for_user(user).exists(), model.__name__


def test_superuser_sees_everything_whatever_the_role(world):
    # given a superuser whose role field was left at regulator without any scope
    root = make_user(Role.REGULATOR, is_superuser=True)
    # then the scope is everything
    assert scope_of(root).is_all
    assert Enterprise.objects.for_user(root).count() == 3


def test_scope_is_resolved_once_per_user_object(world, django_assert_num_queries):
    # given an industry officer whose scope has been resolved once
    user = fresh(world.users[Role.INDUSTRY_OFFICER])
    first = scope_of(user)
    # when it is asked again for the same user object, then no query runs and it is the same scope
    with django_assert_num_queries(0):
        assert scope_of(user) is first


# --- applying the scope ------------------------------------------------------------------


def visible(model, user) -> set:
    return set(model.objects.for_user(fresh(user)))


def test_region_scope_covers_the_subtree_only(world):
    # given county A's regulator
    user = world.users[Role.REGULATOR]
    # then every scoped model shows county A's rows and nothing of county B or above
    assert visible(Region, user) == {world.county_a, world.township_a}
    assert visible(Grid, user) == {world.grid_a}
    assert visible(Department, user) == {world.dept_a}
    assert visible(Enterprise, user) == {world.ent_a, world.ent_a_construction}
    assert visible(Supervision, user) == set(Supervision.objects.filter(enterprise=world.ent_a))


def test_industry_scope_narrows_industry_bearing_models_only(world):
    # given county A's construction officer
    user = world.users[Role.INDUSTRY_OFFICER]
    # then enterprises and their supervisions are narrowed to construction; regions, grids and
    # departments (which carry no industry) are the whole county
    assert visible(Enterprise, user) == {world.ent_a_construction}
    assert visible(Supervision, user) == set()
    assert visible(Region, user) == {world.county_a, world.township_a}
    assert visible(Grid, user) == {world.grid_a}
    assert visible(Department, user) == {world.dept_a}


def test_grid_scope_uses_the_grid_key_and_falls_back_to_the_township(world):
    # given a second grid in township A with its own enterprise, and a township safety station
    other_grid = GridFactory(township=world.township_a)
    EnterpriseFactory(region=world.township_a, grid=other_grid)
    station = DepartmentFactory(region=world.township_a, kind=DepartmentKind.TOWNSHIP_STATION)
    user = world.users[Role.GRID_OFFICER]
    # then models with a grid key are narrowed to the officer's grid
    assert visible(Enterprise, user) == {world.ent_a}
    assert visible(Grid, user) == {world.grid_a}
    assert visible(Supervision, user) == set(Supervision.objects.filter(enterprise=world.ent_a))
    # and models without one fall back to the township holding the grid
    assert visible(Region, user) == {world.township_a}
    assert visible(Department, user) == {station}


def test_enterprise_scope_is_one_enterprise(world):
    # given another enterprise in the same township and grid as the enterprise user's own
    EnterpriseFactory(region=world.township_a, grid=world.grid_a)
    user = world.users[Role.ENTERPRISE]
    # then the user sees their enterprise and its supervision only
    assert visible(Enterprise, user) == {world.ent_a}
    assert visible(Supervision, user) == set(Supervision.objects.filter(enterprise=world.ent_a))
    # and its township and grids through the fallback
    assert visible(Region, user) == {world.township_a}
    assert visible(Grid, user) == {world.grid_a}


def test_scope_reaches_deep_regions(world):
    # given a village below township A and a regulator scoped to the whole city
    village = RegionFactory(level=RegionLevel.VILLAGE, parent=world.township_a)
    city_officer = make_user(Role.REGULATOR, scope_region=world.city)
    # then they see both counties down to the village, and every enterprise below
    assert visible(Region, city_officer) == {world.city, world.county_a, world.county_b, world.township_a,
                                             world.township_b, village}
    assert visible(Enterprise, city_officer) == {world.ent_a, world.ent_a_construction, world.ent_b}


def test_users_are_visible_to_administrators_only(world):
    # given the user model's empty Scoping, then only the administrator reads users
    assert User.objects.for_user(fresh(world.users[Role.ADMIN])).count() == len(world.users)
    for key in ("other_county", Role.REGULATOR, Role.GRID_OFFICER, Role.ENTERPRISE):
        assert not User.objects.for_user(fresh(world.users[key])).exists(), key


def test_voided_rows_are_hidden_unless_asked_for(world):
    # given a voided enterprise in county A
    void_record(world.ent_a_construction, actor=world.users[Role.ADMIN], reason="重复录入")
    user = fresh(world.users[Role.REGULATOR])
    # then the default read hides it and include_voided shows it, still within scope
    assert set(Enterprise.objects.for_user(user)) == {world.ent_a}
    assert set(Enterprise.objects.for_user(user, include_voided=True)) == {world.ent_a, world.ent_a_construction}


def test_model_without_scoping_cannot_be_scoped(world):
    # given the industry taxonomy (reference data, no Scoping), when scoped, then it is refused loudly
    with pytest.raises(TypeError):
        scope_of(fresh(world.users[Role.REGULATOR])).apply(Industry.objects.all())
