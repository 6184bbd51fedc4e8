"""Departments: the departments API (administrators write; everyone reads the departments of
their jurisdiction), their supervised industries, names unique per region, and history."""

import pytest

from anjian.orgs.choices import DepartmentKind, Role
from anjian.orgs.models import Department
from anjian.portal.testing.factories import DepartmentFactory
from anjian.portal.testing.mixins import (
    CreateContract,
    ListContract,
    UpdateContract,
    VoidContract,
    VoidRulesContract,
    act_as,
    api_url,
    expect,
    get_page,
)

pytestmark = pytest.mark.django_db


class TestDepartmentApi(ListContract, CreateContract, UpdateContract, VoidContract, VoidRulesContract):
    basename = "department"
    create_status = expect(403, admin=201)
    update_status = expect(403, admin=200)
    void_status = expect(403, admin=204)

    def target(self, world):
        return world.dept_a

    def create_payload(self, world):
        return {"name": "甲区住房和城乡建设局", "kind": "industry", "region": world.county_a.code,
                "industries": ["06", "0601"], "phone": "0571-0000000"}

    def update_payload(self, world):
        return {"phone": "0571-1234567", "duties": "综合监管；执法检查"}


def test_industries_are_written_and_read_by_code(world, api):
    # given the administrator creates an industry department with two supervised industries
    admin = act_as(api, world.users[Role.ADMIN])
    payload = {"name": "甲区交通运输局", "kind": "industry", "region": world.county_a.code,
               "industries": ["07", "0703"]}
    response = admin.post(api_url("department"), payload, format="json")
    assert response.status_code == 201, response.content
    # when it is read back, then the industries come back as codes and are stored as relations
    detail = admin.get(api_url("department", response.json()["id"])).json()
    assert sorted(detail["industries"]) == ["07", "0703"]
    assert set(Department.objects.get(pk=detail["id"]).industries.values_list("code", flat=True)) == {"07", "0703"}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "甲区应急管理局"}, "non_field_errors"),   # same name in the same region
        ({"region": "000000000000"}, "region"),            # unknown region
        ({"kind": "ministry"}, "kind"),                     # unknown kind
        ({"industries": ["98"]}, "industries"),             # unknown industry code
        ({"name": ""}, "name"),
    ],
    ids=["duplicate-name", "unknown-region", "unknown-kind", "unknown-industry", "blank-name"],
)
def test_invalid_department_names_the_field(world, api, payload, field):
    # given the administrator and a department with one invalid value
    data = {"name": "甲区新部门", "kind": "industry", "region": world.county_a.code, **payload}
    before = Department.objects.count()
    # when it is posted, then 400 names that field and nothing is written
    response = act_as(api, world.users[Role.ADMIN]).post(api_url("department"), data, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Department.objects.count() == before


def test_same_name_is_allowed_in_another_region(world, api):
    # given county A's 应急管理局, when county B's is named the same, then it is accepted
    data = {"name": "甲区应急管理局", "kind": "regulator", "region": world.county_b.code}
    response = act_as(api, world.users[Role.ADMIN]).post(api_url("department"), data, format="json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "industry"}, {"甲区住建局"}),
        ({"region": "COUNTY_A"}, {"甲区应急管理局", "甲区住建局"}),
        ({"region": "CITY"}, {"甲区应急管理局", "甲区住建局", "乙县应急管理局"}),
        ({"search": "住建"}, {"甲区住建局"}),
    ],
    ids=["kind", "region-subtree", "city-subtree", "search"],
)
def test_department_filters(world, api, query, expected):
    # given an extra industry department in county A
    DepartmentFactory(name="甲区住建局", region=world.county_a, kind=DepartmentKind.INDUSTRY)
    codes = {"COUNTY_A": world.county_a.code, "CITY": world.city.code}
    query = {k: codes.get(v, v) for k, v in query.items()}
    # when the administrator filters departments, then exactly the matching ones come back
    page = get_page(act_as(api, world.users[Role.ADMIN]), api_url("department"), **query)
    assert {row["name"] for row in page["results"]} == expected


def test_department_below_the_scope_is_visible_above_is_not(world, api):
    # given a township safety station below county A and a city-level department above it
    DepartmentFactory(name="甲街道安监站", region=world.township_a, kind=DepartmentKind.TOWNSHIP_STATION)
    DepartmentFactory(name="测试市应急管理局", region=world.city, kind=DepartmentKind.REGULATOR)
    # when county A's regulator lists departments
    page = get_page(act_as(api, world.users[Role.REGULATOR]), api_url("department"))
    # then they see their county's and the township's, not the city's
    assert {row["name"] for row in page["results"]} == {"甲区应急管理局", "甲街道安监站"}


def test_department_changes_are_kept_in_history(world, api):
    # given the administrator renames county A's department
    response = act_as(api, world.users[Role.ADMIN]).patch(api_url("department", world.dept_a.pk),
                                                          {"name": "甲区应急管理局（新）"}, format="json")
    assert response.status_code == 200
    # then the previous name survives in the field history
    names = list(world.dept_a.history.order_by("history_date").values_list("name", flat=True))
    assert names[0] == "甲区应急管理局" and names[-1] == "甲区应急管理局（新）"
