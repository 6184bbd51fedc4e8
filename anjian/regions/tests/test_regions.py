"""Regions and grids: materialized paths, subtree reads, the all-or-nothing region import,
and the regions/grids API (administrators write, everyone reads their own subtree)."""

import io

import pytest
from openpyxl import Workbook

from anjian.core.imports import ImportFileError
from anjian.core.paths import subtree_q
from anjian.core.services import events_for
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import GridFactory, RegionFactory, make_user, region_chain
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
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Grid, Region
from anjian.regions.services import import_regions

pytestmark = pytest.mark.django_db


# --- model: paths, subtree, ancestors ---------------------------------------------------


def test_path_is_the_chain_of_codes():
    # given a province → city → county → township → village chain
    chain = region_chain("省", "市", "县", "镇", "村")
    # when paths are computed on save, then each is the parent's path followed by its own code
    assert chain[0].path == chain[0].code
    for parent, child in zip(chain, chain[1:], strict=False):
        assert child.path == parent.path + child.code
        assert len(child.path) == 12 * (child.depth + 1)


def test_subtree_is_the_region_and_everything_below_it():
    # given a county with a township, and a sibling county with its own township
    province, city, county = region_chain("省", "市", "县")
    township = RegionFactory(level=RegionLevel.TOWNSHIP, parent=county)
    sibling = RegionFactory(level=RegionLevel.COUNTY, parent=city)
    RegionFactory(level=RegionLevel.TOWNSHIP, parent=sibling)
    # when reading the county's subtree through its path
    subtree = set(Region.objects.filter(subtree_q("path", county.path)))
    # then it is exactly the county and its township
    assert subtree == {county, township}
    assert set(Region.objects.filter(subtree_q("path", province.path))) == set(Region.objects.all())


def test_ancestors_and_full_name():
    # given a chain down to a township
    province, city, county, township = region_chain("浙江省", "杭州市", "西湖区", "灵隐街道")
    # when asking the township for its ancestors, then they come root first and name it fully
    assert township.ancestors() == [province, city, county]
    assert township.full_name == "浙江省杭州市西湖区灵隐街道"
    assert province.ancestors() == []


def test_grid_copies_its_township_path():
    # given a township, when a grid is created in it, then the grid carries the township's path
    township = region_chain("省", "市", "县", "镇")[-1]
    grid = GridFactory(township=township)
    assert grid.region_path == township.path


# --- import: happy path, rename, bad rows ------------------------------------------------

HEADER = "code,name,level,parent_code\n"


def csv_file(*rows: str) -> io.BytesIO:
    return io.BytesIO((HEADER + "\n".join(rows) + "\n").encode("utf-8"))


def test_import_creates_the_tree_whatever_the_row_order(db):
    # given a file listing a township before its county and Chinese level names
    admin = make_user(Role.ADMIN)
    rows = [
        "330106001000,灵隐街道,乡镇,330106000000",
        "330000000000,浙江省,省,",
        "330106000000,西湖区,县,330100000000",
        "330100000000,杭州市,市,330000000000",
    ]
    # when it is imported
    report = import_regions(csv_file(*rows), "regions.csv", actor=admin)
    # then every region is created with its full path, and the import is an event
    assert report.ok, report.errors
    assert (report.total_rows, report.created) == (4, 4)
    township = Region.objects.get(code="330106001000")
    assert township.level == RegionLevel.TOWNSHIP
    assert township.path == "330000000000" "330100000000" "330106000000" "330106001000"
    assert township.full_name == "浙江省杭州市西湖区灵隐街道"
    imported = [e for r in Region.objects.all() for e in events_for(r) if e.action == "imported"]
    assert len(imported) == 1 and imported[0].data["created"] == 4


def test_import_from_xlsx():
    # given the same kind of rows in an xlsx workbook
    wb = Workbook()
    ws = wb.active
    ws.append(["code", "name", "level", "parent_code"])
    ws.append(["110000000000", "北京市", "province", None])
    ws.append(["110100000000", "市辖区", "city", "110000000000"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    # when imported, then both are created
    report = import_regions(buf, "regions.xlsx")
    assert report.ok, report.errors
    assert Region.objects.get(code="110100000000").parent.code == "110000000000"


def test_reimport_renames_without_creating(db):
    # given an imported province
    import_regions(csv_file("330000000000,浙江,省,"), "a.csv")
    # when the same code comes again with a new name
    report = import_regions(csv_file("330000000000,浙江省,省,"), "a.csv")
    # then it is renamed, not duplicated
    assert report.ok and report.created == 0
    assert Region.objects.get(code="330000000000").name == "浙江省"
    assert Region.objects.count() == 1


def test_bad_rows_write_nothing_and_are_reported_row_by_row(db):
    # given a file whose good rows are mixed with one bad row of each kind
    RegionFactory(code="440000000000", level=RegionLevel.PROVINCE)
    before = set(Region.objects.values_list("code", flat=True))
    rows = [
        "330000000000,浙江省,省,",                   # row 2: good
        "330100000000,杭州市,市,330000000000",       # row 3: good
        "3301060,西湖区,县,330100000000",            # row 4: code not 12 digits
        "330108000000,,县,330100000000",             # row 5: name missing
        "330109000000,萧山区,城堡,330100000000",     # row 6: unknown level
        "330110000000,余杭区,县,",                   # row 7: parent missing
        "330111000000,富阳区,县,999999999999",       # row 8: parent nowhere
        "330112000000,临安区,乡镇,330000000000",     # row 9: parent two levels up
        "330100000000,杭州市,市,330000000000",       # row 10: duplicate of row 3
        "340000000000,安徽省,省,330000000000",       # row 11: a province with a parent
        "440000000000,广东省,市,330000000000",       # row 12: existing province as a city
    ]
    # when it is imported
    report = import_regions(csv_file(*rows), "regions.csv")
    # then nothing at all is written, and each bad row is reported on its field
    assert not report.ok
    assert set(Region.objects.values_list("code", flat=True)) == before
    assert {(e.row, e.field) for e in report.errors} == {
        (4, "code"), (5, "name"), (6, "level"), (7, "parent_code"), (8, "parent_code"), (9, "parent_code"),
        (10, "code"), (11, "parent_code"), (12, "level"), (12, "parent_code"),
    }
    assert report.as_dict()["ok"] is False
    assert all(e["message"] for e in report.as_dict()["errors"])


def test_import_does_not_move_an_existing_region(db):
    # given a county under one city
    province, city_a, county = region_chain("省", "甲市", "县")
    city_b = RegionFactory(level=RegionLevel.CITY, parent=province)
    # when a file puts the county under another city
    report = import_regions(csv_file(f"{county.code},{county.name},县,{city_b.code}"), "move.csv")
    # then it is refused and the county stays where it was
    assert [(e.row, e.field) for e in report.errors] == [(2, "parent_code")]
    county.refresh_from_db()
    assert county.parent == city_a


def test_import_refuses_an_unreadable_file():
    # given a file that is neither xlsx nor csv, when imported, then the file itself is refused
    with pytest.raises(ImportFileError):
        import_regions(io.BytesIO(b"code,name"), "regions.txt")
    # and a csv without the required columns names them
    with pytest.raises(ImportFileError):
        import_regions(io.BytesIO(b"code,name\n330000000000,x\n"), "regions.csv")


# --- API: administrators write, everyone reads their subtree ----------------------------

ADMIN_ONLY_CREATE = expect(403, admin=201)
ADMIN_ONLY_UPDATE = expect(403, admin=200)
ADMIN_ONLY_VOID = expect(403, admin=204)


class TestRegionApi(ListContract, CreateContract, UpdateContract, VoidContract, VoidRulesContract):
    basename = "region"
    lookup_attr = "code"
    create_status = ADMIN_ONLY_CREATE
    update_status = ADMIN_ONLY_UPDATE
    void_status = ADMIN_ONLY_VOID

    def target(self, world):
        return world.township_a

    def create_payload(self, world):
        # unequal halves: factory township codes repeat one 3-digit block, so this never collides
        return {"code": world.county_a.code[:6] + "990991", "name": "新设镇", "level": "township",
                "parent": world.county_a.code}

    def update_payload(self, world):
        return {"name": "甲街道（更名）"}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"level": "township"}, "parent"),                          # a township needs a parent
        ({"level": "county", "parent": "COUNTY_A"}, "parent"),      # a county under a county
        ({"level": "village", "parent": "COUNTY_A"}, "parent"),     # two levels down
        ({"level": "township", "parent": "COUNTY_A", "code": "12345"}, "code"),  # not 12 digits
    ],
    ids=["no-parent", "same-level-parent", "skips-a-level", "short-code"],
)
def test_region_create_validation_names_the_field(world, api, payload, field):
    # given an administrator and an inconsistent new region
    data = {"code": world.county_a.code[:6] + "990991", "name": "新镇", **payload}
    if data.get("parent") == "COUNTY_A":
        data["parent"] = world.county_a.code
    # when it is posted, then 400 names the field and nothing is written
    response = act_as(api, world.users[Role.ADMIN]).post(api_url("region"), data, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Region.objects.filter(name="新镇").exists()


def test_region_cannot_be_moved_through_the_api(world, api):
    # given a township of county A, when the administrator re-parents it to county B
    response = act_as(api, world.users[Role.ADMIN]).patch(
        api_url("region", world.township_a.code), {"parent": world.county_b.code}, format="json")
    # then it is refused naming the parent, and the township stays in county A
    assert response.status_code == 400
    assert "parent" in response.json()
    world.township_a.refresh_from_db()
    assert world.township_a.parent == world.county_a


def test_changing_a_region_code_keeps_its_subtree_whole(world, api):
    # given county A with a township and an enterprise below it
    new_code = world.county_a.code[:4] + "990991" + "00"
    # when the administrator changes the county's code through the API
    act_as(api, world.users[Role.ADMIN]).patch(api_url("region", world.county_a.code), {"code": new_code},
                                               format="json")
    # then (whether the change is refused or applied) the township is still inside the county's
    # subtree and the county's regulator still sees the county's enterprises
    county = Region.objects.get(pk=world.county_a.pk)
    assert Region.objects.filter(subtree_q("path", county.path), pk=world.township_a.pk).exists()
    regulator = type(world.users[Role.REGULATOR]).objects.get(pk=world.users[Role.REGULATOR].pk)
    assert set(Enterprise.objects.for_user(regulator)) == {world.ent_a, world.ent_a_construction}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"level": "county"}, {"甲区", "乙县"}),
        ({"within": "COUNTY_A"}, {"甲区", "甲街道"}),
        ({"parent": "COUNTY_A"}, {"甲街道"}),
        ({"within": "000000000000"}, set()),
        ({"search": "乙"}, {"乙县", "乙镇"}),
    ],
    ids=["level", "within", "parent", "unknown-code", "search"],
)
def test_region_filters(world, api, query, expected):
    # given the administrator, when filtering regions, then exactly the matching ones come back
    query = {k: (world.county_a.code if v == "COUNTY_A" else v) for k, v in query.items()}
    page = get_page(act_as(api, world.users[Role.ADMIN]), api_url("region"), **query)
    assert {row["name"] for row in page["results"]} == expected


def test_region_list_is_ordered_by_path(world, api):
    # given the administrator, when listing regions, then parents come before their children
    page = get_page(act_as(api, world.users[Role.ADMIN]), api_url("region"))
    paths = [row["path"] for row in page["results"]]
    assert paths == sorted(paths)


class TestGridApi(ListContract, CreateContract, UpdateContract, VoidContract, VoidRulesContract):
    basename = "grid"
    create_status = ADMIN_ONLY_CREATE
    update_status = ADMIN_ONLY_UPDATE
    void_status = ADMIN_ONLY_VOID

    def target(self, world):
        return world.grid_a

    def create_payload(self, world):
        return {"code": "G-NEW-001", "name": "新网格", "township": world.township_a.code,
                "officer_name": "王网格"}

    def update_payload(self, world):
        return {"officer_name": "赵网格", "officer_phone": "13900000000"}


def test_grid_must_be_in_a_township(world, api):
    # given the administrator, when a grid is posted under a county, then 400 names the township
    response = act_as(api, world.users[Role.ADMIN]).post(
        api_url("grid"), {"code": "G-BAD", "name": "错网格", "township": world.county_a.code}, format="json")
    assert response.status_code == 400
    assert "township" in response.json()
    assert not Grid.objects.filter(code="G-BAD").exists()


def test_grid_filters(world, api):
    # given the administrator, when filtering grids by township and by region subtree
    client = act_as(api, world.users[Role.ADMIN])
    by_township = get_page(client, api_url("grid"), township=world.township_a.code)["results"]
    by_region = get_page(client, api_url("grid"), region=world.county_b.code)["results"]
    # then each filter returns the one grid it names
    assert [g["code"] for g in by_township] == [world.grid_a.code]
    assert [g["code"] for g in by_region] == [world.grid_b.code]


def test_moving_a_grid_keeps_its_enterprises_consistent(world, api):
    # given grid A holding enterprise A in township A
    # when the administrator moves the grid to county B's township
    act_as(api, world.users[Role.ADMIN]).patch(api_url("grid", world.grid_a.pk),
                                               {"township": world.township_b.code}, format="json")
    # then (refused or applied) every enterprise of the grid still lies in the grid's township
    grid = Grid.objects.get(pk=world.grid_a.pk)
    for enterprise in Enterprise.objects.filter(grid=grid):
        assert enterprise.region_id == grid.township_id
        assert enterprise.region_path == grid.region_path
