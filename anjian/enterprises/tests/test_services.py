"""Enterprise services: registering and editing with the placement rules, operating-status
transitions (allowed / refused, events, atomicity, closing ends supervision), the supervision
plate (one current assignment, history kept, department must cover the enterprise) and the
blind-spot selector."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from anjian.core.services import events_for, void_record
from anjian.enterprises import selectors, services
from anjian.enterprises.choices import STATUS_TRANSITIONS, OperatingStatus
from anjian.enterprises.models import Enterprise, Supervision
from anjian.orgs.choices import Role
from anjian.orgs.models import User
from anjian.portal.testing.factories import (
    DepartmentFactory,
    EnterpriseFactory,
    GridFactory,
    SupervisionFactory,
    credit_code,
    industry,
)

pytestmark = pytest.mark.django_db

OPERATING, SUSPENDED, CLOSED = OperatingStatus.OPERATING, OperatingStatus.SUSPENDED, OperatingStatus.CLOSED
DAY = datetime.date(2026, 3, 1)


def actor(world, key):
    return User.objects.get(pk=world.users[key].pk)


def new_data(world, **overrides) -> dict:
    data = {"name": "新登记有限公司", "credit_code": credit_code(), "region": world.township_a,
            "grid": world.grid_a, "industry": industry("0601"), "employees": 12}
    data.update(overrides)
    return data


def error_fields(exc_info) -> set[str]:
    return set(exc_info.value.message_dict)


# --- create / update: placement rules ----------------------------------------------------


def test_create_registers_with_an_event_and_history(world):
    # given a regulator of county A
    user = actor(world, Role.REGULATOR)
    # when they register an enterprise in their township and grid
    ent = services.create_enterprise(actor=user, data=new_data(world))
    # then it is stored operating, with the township path copied, a 'created' event and a history version
    ent = Enterprise.objects.get(pk=ent.pk)
    assert ent.status == OPERATING and ent.region_path == world.township_a.path
    event = events_for(ent).get()
    assert (event.action, event.actor, event.to_state) == ("created", user, OPERATING)
    assert ent.history.get().history_user == user


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"region": "COUNTY_A"}, "region"),        # not a township
        ({"region": None, "grid": None}, "region"),
        ({"grid": "GRID_B"}, "grid"),              # a grid of another township
        ({"region": "TOWNSHIP_B", "grid": "GRID_B"}, "region"),  # outside the actor's jurisdiction
        ({"credit_code": "91350100M000100Y44"}, "credit_code"),
        ({"name": ""}, "name"),
    ],
    ids=["county-not-township", "no-region", "grid-of-other-township", "out-of-scope-township", "bad-credit-code",
         "no-name"],
)
def test_create_refuses_bad_placement_and_writes_nothing(world, overrides, field):
    # given a regulator of county A and an enterprise with one fault
    names = {"COUNTY_A": world.county_a, "GRID_B": world.grid_b, "TOWNSHIP_B": world.township_b}
    data = new_data(world, **{k: names.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()})
    before = Enterprise.objects.count()
    # when they register it, then the error names the field and nothing is written
    with pytest.raises(ValidationError) as exc:
        services.create_enterprise(actor=actor(world, Role.REGULATOR), data=data)
    assert field in error_fields(exc)
    assert Enterprise.objects.count() == before


def test_create_without_actor_may_place_anywhere(world):
    # given a system import (no actor), when it registers in county B, then it is accepted
    ent = services.create_enterprise(actor=None, data=new_data(world, region=world.township_b, grid=world.grid_b))
    assert ent.region == world.township_b
    assert events_for(ent).get().actor is None


def test_voided_township_is_refused(world):
    # given a voided township in county A
    township = void_record(world.township_a, actor=None, reason="撤并")
    # when a regulator registers an enterprise there, then the township is refused
    with pytest.raises(ValidationError) as exc:
        services.create_enterprise(actor=actor(world, Role.REGULATOR), data=new_data(world, region=township,
                                                                                      grid=None))
    assert "region" in error_fields(exc)


def test_grid_officer_registers_only_in_their_grid(world):
    # given the officer of grid A and a second grid in the same township
    other_grid = GridFactory(township=world.township_a)
    user = actor(world, Role.GRID_OFFICER)
    before = Enterprise.objects.count()
    # when they register an enterprise in the other grid, or in no grid at all
    for grid in (other_grid, None):
        with pytest.raises(ValidationError) as exc:
            services.create_enterprise(actor=user, data=new_data(world, grid=grid))
        # then it is refused on the grid: it would leave their jurisdiction the moment it is saved
        assert "grid" in error_fields(exc)
    assert Enterprise.objects.count() == before
    # and moving their enterprise A out of their grid is refused the same way
    with pytest.raises(ValidationError) as exc:
        services.update_enterprise(world.ent_a, actor=user, data={"grid": other_grid})
    assert "grid" in error_fields(exc)
    world.ent_a.refresh_from_db()
    assert world.ent_a.grid == world.grid_a


def test_industry_officer_registers_only_in_their_industries(world):
    # given county A's construction officer
    user = actor(world, Role.INDUSTRY_OFFICER)
    before = Enterprise.objects.count()
    # when they register a machinery enterprise (outside construction)
    with pytest.raises(ValidationError) as exc:
        services.create_enterprise(actor=user, data=new_data(world, industry=industry("0504")))
    # then it is refused on the industry: they could never see it again
    assert "industry" in error_fields(exc)
    assert Enterprise.objects.count() == before
    # and re-classifying their construction enterprise as machinery is refused the same way
    with pytest.raises(ValidationError) as exc:
        services.update_enterprise(world.ent_a_construction, actor=user, data={"industry": industry("0504")})
    assert "industry" in error_fields(exc)
    world.ent_a_construction.refresh_from_db()
    assert world.ent_a_construction.industry.code == "0601"


def test_update_changes_fields_and_keeps_history(world):
    # given a regulator editing an enterprise's principal
    user = actor(world, Role.REGULATOR)
    services.update_enterprise(world.ent_a, actor=user, data={"principal_name": "王厂长", "employees": 99})
    # then the fields are stored and the previous version is kept with the editor's name
    ent = Enterprise.objects.get(pk=world.ent_a.pk)
    assert (ent.principal_name, ent.employees) == ("王厂长", 99)
    latest, previous = ent.history.all()[:2]
    assert latest.history_user == user and latest.employees == 99 and previous.employees == 20


@pytest.mark.parametrize("field", ["status", "region_path", "is_voided"])
def test_update_refuses_fields_owned_by_other_services(world, field):
    # given a protected field, when it is passed to update, then it is refused naming it
    with pytest.raises(ValidationError) as exc:
        services.update_enterprise(world.ent_a, actor=None, data={field: "closed" if field == "status" else True})
    assert field in error_fields(exc)
    world.ent_a.refresh_from_db()
    assert world.ent_a.status == OPERATING and not world.ent_a.is_voided


def test_update_cannot_move_out_of_jurisdiction(world):
    # given county A's regulator, when they move enterprise A to county B's township
    with pytest.raises(ValidationError) as exc:
        services.update_enterprise(world.ent_a, actor=actor(world, Role.REGULATOR),
                                   data={"region": world.township_b, "grid": world.grid_b})
    # then it is refused on the region and the enterprise stays
    assert "region" in error_fields(exc)
    world.ent_a.refresh_from_db()
    assert world.ent_a.region == world.township_a


def test_update_moves_the_path_with_the_township(world):
    # given an administrator moving enterprise A to county B's township and grid
    services.update_enterprise(world.ent_a, actor=actor(world, Role.ADMIN),
                               data={"region": world.township_b, "grid": world.grid_b})
    # then the copied path follows, so county B's regulator now sees it and county A's does not
    world.ent_a.refresh_from_db()
    assert world.ent_a.region_path == world.township_b.path
    assert Enterprise.objects.for_user(actor(world, "other_county")).filter(pk=world.ent_a.pk).exists()
    assert not Enterprise.objects.for_user(actor(world, Role.REGULATOR)).filter(pk=world.ent_a.pk).exists()


# --- operating status ---------------------------------------------------------------------

ALL_PAIRS = [(a, b) for a in OperatingStatus.values for b in OperatingStatus.values]
ALLOWED = [(a, b) for a, b in ALL_PAIRS if b in STATUS_TRANSITIONS[a]]
REFUSED = [(a, b) for a, b in ALL_PAIRS if b not in STATUS_TRANSITIONS[a]]


def test_transition_table_is_the_expected_one():
    # given the declared table, then a closed unit can only reopen and no state moves to itself
    assert set(ALLOWED) == {(OPERATING, SUSPENDED), (OPERATING, CLOSED), (SUSPENDED, OPERATING),
                            (SUSPENDED, CLOSED), (CLOSED, OPERATING)}


def put_in(enterprise, status):
    Enterprise.objects.filter(pk=enterprise.pk).update(status=status)
    enterprise.refresh_from_db()
    return enterprise


@pytest.mark.parametrize(("start", "target"), ALLOWED)
def test_allowed_transition_is_stored_with_an_event(world, start, target):
    # given an enterprise in the start state and a regulator
    ent = put_in(world.ent_a_construction, start)
    user = actor(world, Role.REGULATOR)
    # when they change its status with a date and a reason
    services.change_operating_status(ent, actor=user, status=target, on=DAY, reason="执法检查决定")
    # then the status and its date are stored, and the event says from → to, who, why and when
    ent.refresh_from_db()
    assert (ent.status, ent.status_changed_on) == (target, DAY)
    assert ent.suspended_on == (DAY if target == SUSPENDED else None)
    assert ent.closed_on == (DAY if target == CLOSED else None)
    event = events_for(ent).get(action="status_changed")
    assert (event.from_state, event.to_state, event.actor, event.comment) == (start, target, user, "执法检查决定")
    assert event.data == {"on": DAY.isoformat()}


@pytest.mark.parametrize(("start", "target"), REFUSED)
def test_refused_transition_changes_nothing(world, start, target):
    # given an enterprise in the start state
    ent = put_in(world.ent_a, start)
    # when a move the table does not allow is asked for, then it is refused naming status
    with pytest.raises(ValidationError) as exc:
        services.change_operating_status(ent, actor=None, status=target, on=DAY)
    assert "status" in error_fields(exc)
    # and nothing is written: same status, no event, supervision untouched
    ent.refresh_from_db()
    assert ent.status == start and ent.status_changed_on is None
    assert not events_for(ent).filter(action="status_changed").exists()
    assert ent.supervisions.filter(is_current=True).count() == 1


def test_unknown_status_is_refused(world):
    # given a status that does not exist, when asked for, then it is refused naming status
    with pytest.raises(ValidationError) as exc:
        services.change_operating_status(world.ent_a, actor=None, status="bankrupt")
    assert "status" in error_fields(exc)


def test_closing_ends_the_current_supervision(world):
    # given supervised enterprise A
    plate = Supervision.objects.get(enterprise=world.ent_a, is_current=True)
    # when it is closed
    services.change_operating_status(world.ent_a, actor=None, status=CLOSED, on=DAY)
    # then its plate is ended that day (kept as history) and it is not a blind spot
    plate.refresh_from_db()
    assert (plate.is_current, plate.ended_on) == (False, DAY)
    assert not Supervision.objects.filter(enterprise=world.ent_a, is_current=True).exists()
    assert world.ent_a not in Enterprise.objects.blind_spots()


def test_suspending_keeps_the_supervision(world):
    # given supervised enterprise A, when it is suspended, then its plate stays current
    services.change_operating_status(world.ent_a, actor=None, status=SUSPENDED, on=DAY)
    assert Supervision.objects.filter(enterprise=world.ent_a, is_current=True).exists()


def test_reopening_a_closed_enterprise_makes_it_a_blind_spot_again(world):
    # given enterprise A closed (its plate ended), when it reopens
    services.change_operating_status(world.ent_a, actor=None, status=CLOSED, on=DAY)
    services.change_operating_status(world.ent_a, actor=None, status=OPERATING, on=DAY)
    # then it has no current plate and is a blind spot until one is assigned
    assert world.ent_a in Enterprise.objects.blind_spots()


def test_status_change_is_all_or_nothing(world, monkeypatch):
    # given the event write fails after the status and the plate have been changed in memory
    def broken(*args, **kwargs):
        raise RuntimeError("event table unavailable")

    monkeypatch.setattr(services, "record_event", broken)
    # when enterprise A is closed
    with pytest.raises(RuntimeError):
        services.change_operating_status(world.ent_a, actor=None, status=CLOSED, on=DAY)
    # then neither the status nor the supervision changed
    world.ent_a.refresh_from_db()
    assert world.ent_a.status == OPERATING and world.ent_a.closed_on is None
    assert Supervision.objects.filter(enterprise=world.ent_a, is_current=True).exists()


# --- supervision plate (一企一牌) -----------------------------------------------------------


def assign(world, enterprise, department=None, **kwargs):
    params = {"actor": actor(world, Role.REGULATOR), "department": department or world.dept_a,
              "leader_name": "陈局长", "officer_name": "刘科员", "started_on": DAY}
    params.update(kwargs)
    return services.assign_supervision(enterprise, **params)


def test_assignment_ends_the_previous_one_and_keeps_history(world):
    # given enterprise A with its current plate from 2026-01-01
    previous = Supervision.objects.get(enterprise=world.ent_a, is_current=True)
    # when a new plate is hung on 2026-03-01
    new = assign(world, world.ent_a, leader_name="  陈局长 ")
    # then the new one is current, the previous one ended that day, both are kept
    previous.refresh_from_db()
    assert (previous.is_current, previous.ended_on) == (False, DAY)
    assert (new.is_current, new.started_on, new.leader_name) == (True, DAY, "陈局长")
    assert list(Supervision.objects.filter(enterprise=world.ent_a)) == [new, previous]
    assert new.created_by == actor(world, Role.REGULATOR)
    # and an event names the department, the people and the previous plate
    event = events_for(world.ent_a).get(action="supervision_assigned")
    assert event.data == {"supervision": new.pk, "department": world.dept_a.name, "leader": "陈局长",
                          "officer": "刘科员", "previous": previous.pk}


def test_first_assignment_removes_a_blind_spot(world):
    # given the unsupervised construction enterprise, which is a blind spot
    assert world.ent_a_construction in Enterprise.objects.blind_spots()
    # when a plate is hung, then it no longer is, and the event has no previous plate
    assign(world, world.ent_a_construction)
    assert world.ent_a_construction not in Enterprise.objects.blind_spots()
    assert events_for(world.ent_a_construction).get(action="supervision_assigned").data["previous"] is None


def test_officer_name_defaults_to_the_officer_user(world):
    # given an officer account and no typed officer name, then the plate names the account's person
    officer = actor(world, Role.REGULATOR)
    plate = assign(world, world.ent_a_construction, officer=officer, officer_name="")
    assert plate.officer == officer and plate.officer_name == (officer.name or officer.username)


def test_department_above_the_county_covers_it(world):
    # given a city-level department, when it is assigned to a county-A enterprise, then it is accepted
    city_dept = DepartmentFactory(region=world.city)
    assert assign(world, world.ent_a_construction, department=city_dept).department == city_dept


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"department": "DEPT_B"}, "department"),          # county B's department does not cover county A
        ({"department": "TOWNSHIP_B_STATION"}, "department"),
        ({"leader_name": "  "}, "leader_name"),
        ({"officer_name": ""}, "officer_name"),
        ({"started_on": datetime.date(2025, 12, 31)}, "started_on"),  # before the current plate began
    ],
    ids=["other-county-department", "other-township-station", "no-leader", "no-officer", "starts-too-early"],
)
def test_invalid_assignment_changes_nothing(world, change, field):
    # given enterprise A with its current plate
    current = Supervision.objects.get(enterprise=world.ent_a, is_current=True)
    names = {"DEPT_B": world.dept_b, "TOWNSHIP_B_STATION": DepartmentFactory(region=world.township_b)}
    change = {k: names.get(v, v) if isinstance(v, str) else v for k, v in change.items()}
    # when an invalid new plate is hung, then the error names the field
    with pytest.raises(ValidationError) as exc:
        assign(world, world.ent_a, **change)
    assert field in error_fields(exc)
    # and the current plate is untouched, no event written
    current.refresh_from_db()
    assert current.is_current and current.ended_on is None
    assert Supervision.objects.filter(enterprise=world.ent_a).count() == 1
    assert not events_for(world.ent_a).filter(action="supervision_assigned").exists()


def test_closed_enterprise_cannot_be_assigned(world):
    # given a closed enterprise, when a plate is hung, then it is refused naming the enterprise
    services.change_operating_status(world.ent_a_construction, actor=None, status=CLOSED, on=DAY)
    with pytest.raises(ValidationError) as exc:
        assign(world, world.ent_a_construction)
    assert "enterprise" in error_fields(exc)


@pytest.mark.parametrize("role", [Role.GRID_OFFICER, Role.COMMITTEE_OFFICE, Role.ENTERPRISE, Role.EXPERT], ids=str)
def test_roles_without_the_permission_cannot_assign(world, role):
    # given a role without enterprises.add_supervision, when it hangs a plate, then it is refused
    with pytest.raises(PermissionDenied):
        assign(world, world.ent_a_construction, actor=actor(world, role))
    assert not Supervision.objects.filter(enterprise=world.ent_a_construction).exists()


def test_database_allows_only_one_current_plate(world):
    # given enterprise A with a current plate
    # when a second current plate is written around the service, then the database refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisionFactory(enterprise=world.ent_a, department=world.dept_a)
    # while any number of ended plates is fine
    SupervisionFactory(enterprise=world.ent_a, department=world.dept_a, is_current=False,
                       ended_on=datetime.date(2026, 1, 1))
    assert Supervision.objects.filter(enterprise=world.ent_a, is_current=True).count() == 1


# --- selectors ----------------------------------------------------------------------------


def test_blind_spots_are_existing_unsupervised_enterprises_in_scope(world):
    # given, in county A, a suspended unsupervised enterprise, a closed one and a voided one
    suspended = EnterpriseFactory(region=world.township_a, status=SUSPENDED)
    EnterpriseFactory(region=world.township_a, status=CLOSED)
    void_record(EnterpriseFactory(region=world.township_a), actor=None, reason="错录")
    # when the blind spots are read per user
    spots = {key: set(selectors.blind_spots(actor(world, key))) for key in world.users}
    # then suspended units count, closed and voided ones do not, each within its scope
    assert spots[Role.REGULATOR] == {world.ent_a_construction, suspended}
    assert spots[Role.INDUSTRY_OFFICER] == {world.ent_a_construction}
    assert spots[Role.GRID_OFFICER] == set()
    assert spots[Role.ENTERPRISE] == set()
    assert spots["other_county"] == set()
    assert spots[Role.ADMIN] == {world.ent_a_construction, suspended}


def test_home_counts_follow_the_scope(world):
    # given a high-risk (by hand), above-scale machinery enterprise added in county B, beside
    # county B's chemicals producer (high-risk by its industry) and county A's construction
    # company (high-risk by its industry) and machinery plant (not)
    EnterpriseFactory(region=world.township_b, high_risk=True, above_scale=True)
    # when the home figures are read, then each user counts only their jurisdiction
    assert selectors.home_counts(actor(world, Role.REGULATOR)) == {
        "total": 2, "operating": 2, "high_risk": 1, "above_scale": 0, "blind_spots": 1}
    assert selectors.home_counts(actor(world, "other_county")) == {
        "total": 2, "operating": 2, "high_risk": 2, "above_scale": 1, "blind_spots": 1}
