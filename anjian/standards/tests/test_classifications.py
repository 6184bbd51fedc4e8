"""The accident-type lists and hazard-factor classes shipped as reference data."""

import datetime

import pytest

from anjian.orgs.roles import Role
from anjian.standards.models import AccidentType, HazardFactorClass
from anjian.standards.selectors import accident_type_scheme_for, accident_types_for

pytestmark = pytest.mark.django_db


def test_both_accident_type_lists_are_loaded_with_their_sizes():
    assert AccidentType.objects.filter(scheme="GB6441-1986").count() == 20
    assert AccidentType.objects.filter(scheme="GB6441-2025").count() == 27
    assert not AccidentType.objects.filter(scheme="GB6441-2025", is_code_confirmed=True).exists()


def test_the_list_in_force_switches_on_2026_07_01():
    assert accident_type_scheme_for(datetime.date(2026, 6, 30)) == "GB6441-1986"
    assert accident_type_scheme_for(datetime.date(2026, 7, 1)) == "GB6441-2025"
    names = [t.name for t in accident_types_for(datetime.date(2026, 7, 1))]
    assert names[0] == "物体打击" and "粉尘爆炸" in names and "瓦斯爆炸" not in names


def test_hazard_factor_classes_nest_under_the_four_top_classes():
    assert HazardFactorClass.objects.filter(parent=None).count() == 4
    assert HazardFactorClass.objects.get(code="22").parent.code == "2"
    assert HazardFactorClass.objects.get(code="45").top == "management"


def test_api_answers_the_list_for_a_date_and_rejects_a_bad_date(api, world):
    api.force_authenticate(world.users[Role.ENTERPRISE])
    client = api
    response = client.get("/api/accident-types/", {"date": "2025-01-01"})
    assert response.status_code == 200
    assert len(response.json()) == 20
    assert client.get("/api/accident-types/", {"date": "1月1日"}).status_code == 400
    assert len(client.get("/api/hazard-factor-classes/").json()) == 19
