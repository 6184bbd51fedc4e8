"""Checklist versions by effective date: which version is in force (with the fallback to the
parent industry and then to general checklists), new versions copy the items and close the
old one, and every change is validated, kept in history and recorded as an event."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from anjian.core.services import events_for
from anjian.enterprises.models import Industry
from anjian.orgs.choices import Role
from anjian.standards import services
from anjian.standards.models import CheckItem, Checklist, MajorHazardCriterion

from .factories import make_checklist

pytestmark = pytest.mark.django_db

D = datetime.date


def industry(code):
    return Industry.objects.get(code=code)


@pytest.fixture
def admin(world):
    return world.users[Role.ADMIN]


def test_the_shipped_checklist_is_in_force_for_its_industry_and_its_sub_sectors():
    # given the starter checklists, when asking for hazardous-chemicals production (0301)
    found = services.checklist_in_force(industry("0301"), D(2026, 6, 1))
    # then the hazardous-chemicals checklist (industry 03, the parent) applies
    assert found.code == "CL-03"
    # and for the top level itself too
    assert services.checklist_in_force(industry("03"), D(2026, 6, 1)).code == "CL-03"


def test_an_own_checklist_wins_over_the_parent_and_dates_decide(admin):
    # given a machinery (0504) checklist in force only during 2026
    own = make_checklist("0504", effective_from=D(2026, 1, 1), effective_to=D(2026, 12, 31), actor=admin)
    # when asking inside its period, then it applies; before or after it, the parent's (CL-05) does
    assert services.checklist_in_force(industry("0504"), D(2026, 3, 1)) == own
    assert services.checklist_in_force(industry("0504"), D(2025, 12, 31)).code == "CL-05"
    assert services.checklist_in_force(industry("0504"), D(2027, 1, 1)).code == "CL-05"


def test_falls_back_to_a_general_checklist_and_then_to_nothing(admin):
    # given the parent's checklist is deactivated
    cl05 = Checklist.objects.get(code="CL-05")
    services.set_checklist_active(cl05, actor=admin, active=False, reason="测试")
    # when asking for machinery, then the general checklist applies
    assert services.checklist_in_force(industry("0504"), D(2026, 3, 1)).code == "CL-GEN"
    # and with no industry at all, too
    assert services.checklist_in_force(None, D(2026, 3, 1)).code == "CL-GEN"
    # given the general one is deactivated as well, then nothing applies
    services.set_checklist_active(Checklist.objects.get(code="CL-GEN"), actor=admin, active=False, reason="测试")
    assert services.checklist_in_force(industry("0504"), D(2026, 3, 1)) is None


def test_in_force_lookup_is_one_query(django_assert_num_queries):
    # given any industry, then finding its checklist is a single query
    ind = industry("0301")
    with django_assert_num_queries(1):
        services.checklist_in_force(ind, D(2026, 1, 1))


def test_new_version_copies_items_and_closes_the_old_one(admin):
    # given version 1 of a checklist with three items (one of them major) and a deactivated item
    crit = MajorHazardCriterion.objects.get(code="GM2023-JX02")
    old = make_checklist("0504", effective_from=D(2025, 1, 1), criterion=crit, items=4, actor=admin)
    gone = old.items.order_by("sort").last()
    services.set_check_item_active(gone, actor=admin, active=False, reason="不再适用")
    # when an administrator starts version 2 on 2026-07-01
    new = services.new_checklist_version(old, actor=admin, effective_from=D(2026, 7, 1), note="按新规修订")
    # then version 2 has copies of the three active items, in order, with their criterion
    assert new.version == "2" and new.code == old.code and new.industry_id == old.industry_id
    copies = list(new.items.order_by("sort", "content"))
    originals = list(old.items.filter(is_active=True).order_by("sort", "content"))
    assert [(c.content, c.criterion_id, c.is_major_criterion) for c in copies] == \
        [(o.content, o.criterion_id, o.is_major_criterion) for o in originals]
    assert {c.pk for c in copies}.isdisjoint({o.pk for o in originals})
    # and version 1 ends the day before, so each date has exactly one version in force
    old.refresh_from_db()
    assert old.effective_to == D(2026, 6, 30) and new.effective_from == D(2026, 7, 1) and new.effective_to is None
    assert services.checklist_in_force(industry("0504"), D(2026, 6, 30)) == old
    assert services.checklist_in_force(industry("0504"), D(2026, 7, 1)) == new
    # and both changes are events, and the copies have history rows by the administrator
    assert [e.action for e in events_for(new)] == ["version_created"]
    assert events_for(new).first().data["items"] == 3
    closed = events_for(old).first()
    assert closed.action == "version_closed" and closed.to_state == "2" and closed.actor == admin
    assert copies[0].history.first().history_user == admin
    assert old.history.first().effective_to == D(2026, 6, 30)


def test_new_version_must_start_after_the_latest_version_and_have_a_new_label(admin):
    # given a checklist in force since 2026-01-01
    old = make_checklist("0504", effective_from=D(2026, 1, 1), actor=admin)
    # when a new version would start on the same day, then it is refused naming the date field
    with pytest.raises(ValidationError) as exc:
        services.new_checklist_version(old, actor=admin, effective_from=D(2026, 1, 1))
    assert "effective_from" in exc.value.error_dict
    # when the label already exists, then it is refused naming the version field
    with pytest.raises(ValidationError) as exc:
        services.new_checklist_version(old, actor=admin, effective_from=D(2026, 5, 1), version="1")
    assert "version" in exc.value.error_dict
    # and nothing was written
    assert Checklist.objects.filter(code=old.code).count() == 1
    old.refresh_from_db()
    assert old.effective_to is None


def test_a_version_with_a_planned_end_is_still_closed_at_the_new_start(admin):
    # given a checklist planned to run until the end of 2027
    old = make_checklist("0504", effective_from=D(2026, 1, 1), effective_to=D(2027, 12, 31), actor=admin)
    # when version 2 starts in mid-2026, then version 1 ends the day before
    services.new_checklist_version(old, actor=admin, effective_from=D(2026, 8, 1), version="2026版")
    old.refresh_from_db()
    assert old.effective_to == D(2026, 7, 31)
    assert Checklist.objects.get(code=old.code, version="2026版").effective_from == D(2026, 8, 1)


def test_versions_of_one_code_may_not_overlap(admin):
    # given version 1 open-ended from 2026
    old = make_checklist("0504", code="T-OVL", effective_from=D(2026, 1, 1), actor=admin)
    # when another version of the same code is created overlapping it, then it is refused
    with pytest.raises(ValidationError) as exc:
        make_checklist("0504", code="T-OVL", version="2", effective_from=D(2026, 6, 1), actor=admin)
    assert "effective_from" in exc.value.error_dict
    # and an edit that makes the end earlier than the start is refused naming the end
    with pytest.raises(ValidationError) as exc:
        services.update_checklist(old, actor=admin, data={"effective_to": D(2025, 1, 1)})
    assert "effective_to" in exc.value.error_dict


def test_nothing_is_deleted_deactivate_needs_a_reason_and_is_an_event(admin):
    # given a checklist
    checklist = make_checklist("0504", actor=admin)
    # when deactivated without a reason, then it is refused
    with pytest.raises(ValidationError):
        services.set_checklist_active(checklist, actor=admin, active=False, reason=" ")
    # when deactivated with one, then the row stays, inactive, with an event naming the reason
    services.set_checklist_active(checklist, actor=admin, active=False, reason="被地方检查表替代")
    checklist.refresh_from_db()
    assert checklist.is_active is False
    event = events_for(checklist).first()
    assert (event.action, event.comment, event.to_state) == ("deactivated", "被地方检查表替代", "inactive")
    # and it can be brought back
    services.set_checklist_active(checklist, actor=admin, active=True)
    assert Checklist.objects.get(pk=checklist.pk).is_active


def test_item_rules_and_events(admin):
    # given a checklist
    checklist = make_checklist("0504", items=1, actor=admin)
    crit = MajorHazardCriterion.objects.get(code="GM2023-GL02")
    # when an item is added with a criterion, then it becomes a major-hazard item, at the end
    item = services.add_check_item(checklist, actor=admin, data={"content": "特种作业人员持证", "criterion": crit})
    assert item.is_major_criterion and item.sort > checklist.items.exclude(pk=item.pk).get().sort
    assert events_for(item).first().action == "created"
    # when it is marked non-major while keeping the criterion, then it is refused
    with pytest.raises(ValidationError) as exc:
        services.update_check_item(item, actor=admin, data={"is_major_criterion": False})
    assert "is_major_criterion" in exc.value.error_dict
    # when a field changes, then the event lists old and new values
    services.update_check_item(item, actor=admin, data={"basis": "新依据"})
    assert events_for(item).first().data == {"basis": ["", "新依据"]}
    # when linking to a deactivated criterion, then it is refused
    services.set_criterion_active(crit, actor=admin, active=False, reason="测试")
    other = CheckItem.objects.filter(checklist=checklist).exclude(pk=item.pk).get()
    with pytest.raises(ValidationError) as exc:
        services.update_check_item(other, actor=admin, data={"criterion": crit})
    assert "criterion" in exc.value.error_dict


def test_criteria_document_changes_are_recorded(admin):
    # given a document, when its industries and title change, then one event lists both
    doc = services.create_criteria_document(actor=admin, data={"code": "LOCAL-1", "title": "地方补充判定标准"},
                                            industries=[industry("05")])
    services.update_criteria_document(doc, actor=admin, data={"title": "地方补充判定标准（修订）"},
                                      industries=[industry("05"), industry("06")])
    event = events_for(doc).first()
    assert event.action == "updated"
    assert event.data["industries"] == ["05", "05,06"]
    assert sorted(doc.industries.values_list("code", flat=True)) == ["05", "06"]
    # and a criterion added to it goes to the end with its own event
    crit = services.create_criterion(actor=admin, data={"document": doc, "code": "LOCAL-1-01", "text": "情形一"})
    assert crit.sort == 10 and events_for(crit).first().action == "created"
    # and a duplicate code is refused naming the code field
    with pytest.raises(ValidationError) as exc:
        services.create_criterion(actor=admin, data={"document": doc, "code": "LOCAL-1-01", "text": "重复"})
    assert "code" in exc.value.error_dict
