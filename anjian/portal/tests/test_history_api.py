"""Every registry record exposes its field-level change history through the API."""

import pytest

from anjian.enterprises import services
from anjian.orgs.choices import Role


@pytest.mark.parametrize(
    ("url", "obj"),
    [
        ("/api/regions/{o.code}/history/", "township_a"),
        ("/api/grids/{o.pk}/history/", "grid_a"),
        ("/api/departments/{o.pk}/history/", "dept_a"),
        ("/api/enterprises/{o.pk}/history/", "ent_a"),
    ],
)
def test_history_endpoint_per_registry(world, api, url, obj):
    # given a record in county A, when its own regulator reads the history, then there is at least its creation
    target = getattr(world, obj)
    api.force_authenticate(world.users[Role.REGULATOR])
    response = api.get(url.format(o=target))
    assert response.status_code == 200
    assert response.json()[-1]["type"] == "+"
    # and the regulator of another county gets 404
    api.force_authenticate(world.users["other_county"])
    assert api.get(url.format(o=target)).status_code == 404


def test_enterprise_history_names_the_changed_field_and_the_actor(world, api):
    # given a regulator changes the safety manager's phone
    regulator = world.users[Role.REGULATOR]
    services.update_enterprise(world.ent_a, actor=regulator, data={"safety_manager_phone": "13900000000"})
    # when the history is read
    api.force_authenticate(regulator)
    newest = api.get(f"/api/enterprises/{world.ent_a.pk}/history/").json()[0]
    # then it says who changed which field from what to what
    assert newest["user"] == str(regulator)
    assert [(c["field"], c["new"]) for c in newest["changes"]] == [("safety_manager_phone", "13900000000")]


def test_operating_status_changes_appear_in_the_history(world, api):
    # given the regulator suspends an enterprise (status is not form-editable, it changes through the service)
    regulator = world.users[Role.REGULATOR]
    services.change_operating_status(world.ent_a, actor=regulator, status="suspended", reason="停产整顿")
    # when the history is read, then the status change is listed with its label values
    api.force_authenticate(regulator)
    newest = api.get(f"/api/enterprises/{world.ent_a.pk}/history/", HTTP_ACCEPT_LANGUAGE="en").json()[0]
    changed = {c["field"]: (c["old"], c["new"]) for c in newest["changes"]}
    assert changed["status"] == ("Operating", "Suspended")
    assert "suspended_on" in changed
