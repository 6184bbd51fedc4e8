"""Administrators edit the library in the Django admin: every page opens, nothing can be
deleted, each save is an event with field history, and the service rules hold there too."""

import pytest
from django.test import Client
from django.urls import reverse

from anjian.core.services import events_for
from anjian.orgs.choices import Role
from anjian.standards.models import CheckItem, Checklist, CriteriaDocument, MajorHazardCriterion

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(world):
    client = Client()
    client.force_login(world.users[Role.ADMIN])
    return client


@pytest.mark.parametrize("model", [Checklist, CheckItem, CriteriaDocument, MajorHazardCriterion],
                         ids=lambda m: m.__name__)
def test_admin_pages_open_and_nothing_can_be_deleted(admin_client, model):
    opts = model._meta
    obj = model.objects.first()
    # given an administrator, then the list, the change form and the history open
    for name, args in (("changelist", []), ("change", [obj.pk]), ("history", [obj.pk]), ("add", [])):
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=args)
        assert admin_client.get(url).status_code == 200, url
    # and deleting is not possible
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_an_admin_save_is_an_event_and_keeps_the_rules(admin_client, world):
    item = Checklist.objects.get(code="CL-03").items.filter(criterion__isnull=False).first()
    url = reverse("admin:standards_checkitem_change", args=[item.pk])
    data = {"checklist": item.checklist_id, "item_no": item.item_no, "content": "修改后的检查内容",
            "basis": item.basis, "hazard_factor": item.hazard_factor, "is_major_criterion": "on",
            "criterion": item.criterion_id, "sort": item.sort, "is_active": "on"}
    # when an administrator changes the content, then it is saved with history and an event
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content
    item.refresh_from_db()
    assert item.content == "修改后的检查内容"
    event = events_for(item).first()
    assert event.action == "updated" and event.data == {"via": "admin", "fields": ["content"]}
    assert item.history.first().history_user == world.users[Role.ADMIN]
    # when an item would link a deactivated criterion, then the form refuses it
    other = MajorHazardCriterion.objects.get(code="HC2017-06")
    MajorHazardCriterion.objects.filter(pk=other.pk).update(is_active=False)
    response = admin_client.post(url, {**data, "criterion": other.pk})
    assert response.status_code == 200 and "criterion" in response.context["adminform"].form.errors
