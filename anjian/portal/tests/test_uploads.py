"""Uploads through real endpoints (core.uploads end to end): a page disguised as a photo is refused
by the hazard API (400 naming the field and the file) and by a hazard's step form (the error next
to its field), and nothing is written; a real photo sent the same way is stored re-encoded."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image

from anjian.core.models import Attachment
from anjian.core.services import attachments_for
from anjian.core.testing.files import image_bytes
from anjian.hazards import services
from anjian.hazards.choices import HazardState
from anjian.hazards.models import Hazard
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_hazard
from anjian.portal.testing.mixins import act_as, api_url

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PAGE = b"<!doctype html><html><body><script>fetch('/api/v1/hazards/')</script></body></html>"


def disguised(name: str = "现场.jpg") -> SimpleUploadedFile:
    """An HTML page named like a photo, sent as one."""
    return SimpleUploadedFile(name, PAGE, content_type="image/jpeg")


def report(world, photos) -> dict:
    deadline = (timezone.localdate() + timezone.timedelta(days=3)).isoformat()
    return {"enterprise": world.ent_a.pk, "location": "仓库", "description": "消防通道堵塞", "deadline": deadline,
            "photos": photos}


def test_the_hazard_api_refuses_a_page_named_jpg(world, api):
    # given a regulator reporting a hazard with a "photo" that is an HTML page
    client = act_as(api, world.users[Role.REGULATOR])
    response = client.post(api_url("hazard"), report(world, [disguised()]), format="multipart", **EN)
    # then 400 names the photos field and the file, and no hazard is written
    assert response.status_code == 400, response.content
    message = str(response.json()["photos"])
    assert "photos" in message and "现场.jpg" in message and "does not match its extension" in message
    assert not Hazard.objects.exists()


def test_the_hazard_api_stores_a_real_photo_re_encoded(world, api, settings, tmp_path):
    # given a real JPEG whose EXIF holds the position it was taken at
    settings.MEDIA_ROOT = tmp_path
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] = "N"
    photo = SimpleUploadedFile("现场.jpg", image_bytes("JPEG", exif=exif), content_type="image/jpeg")
    # when it is sent with a report
    response = act_as(api, world.users[Role.REGULATOR]).post(api_url("hazard"), report(world, [photo]),
                                                             format="multipart")
    # then the hazard has the photo, under its name, without the EXIF
    assert response.status_code == 201, response.content
    [att] = attachments_for(Hazard.objects.get(pk=response.json()["id"]))
    assert att.name == "现场.jpg"
    stored = Image.open(io.BytesIO(att.file.open("rb").read()))
    assert stored.format == "JPEG" and not stored.getexif()


def test_a_step_form_refuses_a_page_named_jpg_next_to_its_field(world):
    # given a hazard being rectified, and the enterprise signed in
    user = world.users[Role.ENTERPRISE]
    hazard = services.start_rectification(make_hazard(world.ent_a, user), actor=user)
    client = Client()
    client.force_login(user)
    # when it submits its rectification with a "photo" of evidence that is an HTML page
    response = client.post(reverse("hazards:action", args=[hazard.pk, "submit_rectification"]),
                           {"version": hazard.version, "note": "已整改", "files": [disguised("整改后.jpg")]}, **EN)
    # then the form comes back with the error next to the evidence field, naming it and the file
    assert response.status_code == 400
    [error] = response.context["form"].errors["files"]
    assert error.startswith("Evidence") and "整改后.jpg" in error and "does not match its extension" in error
    # and nothing changed
    assert Hazard.objects.get(pk=hazard.pk).state == HazardState.RECTIFYING
    assert not attachments_for(hazard).filter(kind=Attachment.Kind.EVIDENCE).exists()
