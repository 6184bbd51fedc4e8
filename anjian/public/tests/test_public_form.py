"""The public side under attack: the tip form, the tracking pages and the captcha image take
hostile input — malformed and oversized bodies, wrong types, scripts in every text field, floods
beyond the rate limits. No answer is a 500, nothing of a refused request is stored, and what is
shown back is escaped."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from anjian.core.models import Attachment
from anjian.public import guard
from anjian.public.models import Tip, TipAddition

from .factories import tip as make_tip

SCRIPT = '<script>alert("x")</script>'
TEXT_FIELDS = ("description", "address", "unit_name", "credit_code", "reporter_name", "reporter_phone",
               "reporter_email", "reporter_id_number")


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def solved(client, url=None) -> dict:
    """A fresh captcha token with its answer (read from the cache, as the image shows it)."""
    token = guard.new_captcha()
    a, b = cache.get(f"public:captcha:{token}")
    return {"captcha_token": token, "captcha": str(a + b)}


def valid(world, **over) -> dict:
    return {"kind": "hazard", "description": "仓库消防通道被堵，灭火器过期。", "region": world.township_a.code,
            "address": "测试路8号", "unit_name": "甲机械有限公司", "credit_code": "", "is_anonymous": "1", **over}


def test_a_tip_filed_anonymously_gets_a_code_and_secret(client, world):
    # given a solved captcha; when a stranger files a tip
    r = client.post(reverse("public:tip_new"), {**valid(world), **solved(client)})
    # then the tip is stored, routed to county A's regulator, and its code and secret are shown once
    assert r.status_code == 200, r.content.decode()[:2000]
    tip = Tip.objects.get()
    assert tip.department == world.dept_a and tip.is_anonymous and tip.reporter_name == ""
    body = r.content.decode()
    assert tip.tracking_code in body and r["Cache-Control"] == "no-store"


def test_every_text_field_is_shown_back_escaped_and_nothing_stored(client, world):
    # given a form whose every text field carries a script, and a wrong captcha
    data = {**valid(world, is_anonymous="0"), **dict.fromkeys(TEXT_FIELDS, SCRIPT), **solved(client)}
    data["captcha"] = "999"
    r = client.post(reverse("public:tip_new"), data)
    # then the form comes back (400) with the input escaped, and nothing was stored
    body = r.content.decode()
    assert r.status_code == 400
    assert SCRIPT not in body and "&lt;script&gt;" in body
    assert not Tip.objects.exists()


@pytest.mark.parametrize("body", [
    {},  # empty
    {"kind": ["hazard", "violation"], "region": "x" * 5000},  # lists, oversized
    {"kind": "nonsense", "region": "999999999999", "is_anonymous": "maybe", "description": "短"},  # wrong values
    {"kind": "hazard", "description": "字" * 20000, "region": "1", "address": "a" * 300},  # too long
    {"captcha_token": "t" * 500, "captcha": "１２"},  # garbage captcha
])
def test_malformed_bodies_are_refused_without_a_500(client, world, body):
    r = client.post(reverse("public:tip_new"), {**body, **({} if "captcha_token" in body else solved(client))})
    assert r.status_code == 400
    assert not Tip.objects.exists()


def test_non_form_bodies_are_refused(client, world):
    # a JSON body, a broken multipart body and an oversized body (Django's DATA_UPLOAD_MAX_MEMORY_SIZE)
    for kwargs in ({"data": '{"kind": "hazard"}', "content_type": "application/json"},
                   {"data": b"--xx\r\nbroken", "content_type": "multipart/form-data; boundary=xx"},
                   {"data": "description=" + "a" * 3_000_000, "content_type": "application/x-www-form-urlencoded"}):
        r = client.post(reverse("public:tip_new"), **kwargs)
        assert r.status_code in (400, 413), r.status_code
    # a body announcing more than the files allowed is refused before it is read
    r = client.post(reverse("public:tip_new"), data=b"x", content_type="application/octet-stream",
                    CONTENT_LENGTH=str(200 * 1024 * 1024))
    assert r.status_code == 413
    assert not Tip.objects.exists()


def test_a_real_name_tip_needs_contact(client, world):
    r = client.post(reverse("public:tip_new"), {**valid(world, is_anonymous="0", reporter_name="张三"),
                                                **solved(client)})
    assert r.status_code == 400 and not Tip.objects.exists()


def test_uploads_are_checked_and_images_lose_their_metadata(client, world):
    # given a photo with EXIF (a GPS block) and an HTML page named .jpg
    photo = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0)}
    Image.new("RGB", (40, 30), (200, 10, 10)).save(photo, "JPEG", exif=exif)
    fake = SimpleUploadedFile("x.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")
    r = client.post(reverse("public:tip_new"), {**valid(world), **solved(client), "files": [fake]})
    # then the fake is refused and nothing stored
    assert r.status_code == 400 and not Tip.objects.exists()
    good = SimpleUploadedFile("p.jpg", photo.getvalue(), content_type="image/jpeg")
    r = client.post(reverse("public:tip_new"), {**valid(world), **solved(client), "files": [good]})
    assert r.status_code == 200
    stored = Attachment.objects.get()
    with stored.file.open("rb") as f:
        assert not Image.open(f).getexif()


def test_flooding_the_form_is_refused_beyond_the_rate_limit(client, world):
    # given the limit of 5 tips per hour from one address
    for _ in range(5):
        assert client.post(reverse("public:tip_new"), {**valid(world), **solved(client),
                                                       "description": f"不同的举报内容 {_} 号"}).status_code == 200
    # when a sixth comes, then it is refused (429) and not stored, captcha or not
    r = client.post(reverse("public:tip_new"), {**valid(world), **solved(client), "description": "第六条举报内容"})
    assert r.status_code == 429
    assert Tip.objects.count() == 5


def test_a_captcha_is_used_once(client, world):
    answer = solved(client)
    assert client.post(reverse("public:tip_new"), {**valid(world), **answer}).status_code == 200
    r = client.post(reverse("public:tip_new"), {**valid(world, description="另一条举报内容"), **answer})
    assert r.status_code == 400 and Tip.objects.count() == 1


def test_the_same_tip_twice_is_a_duplicate(world):
    first, _ = make_tip(world, description="同一件事：仓库堵塞")
    second, _ = make_tip(world, description="同一件事, 仓库堵塞!")
    assert second.duplicate_of == first and first.duplicate_of is None


def test_the_captcha_image(client):
    token = guard.new_captcha()
    r = client.get(reverse("public:captcha", args=[token]))
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert client.get(reverse("public:captcha", args=["nope"])).status_code == 404


def test_following_and_adding_information(client, world):
    tip, secret = make_tip(world, anonymous=True)
    # a wrong secret answers like an unknown code
    r = client.post(reverse("public:track"), {"code": tip.tracking_code, "secret": "wrong"})
    assert r.status_code == 400 and tip.description not in r.content.decode()
    r = client.post(reverse("public:track"), {"code": tip.tracking_code.lower(), "secret": secret})
    assert r.status_code == 200 and "已受理" not in r.content.decode()
    # adding information with a script: stored as text, shown escaped
    r = client.post(reverse("public:track_add"), {"code": tip.tracking_code, "secret": secret, "text": SCRIPT,
                                                  **solved(client)})
    body = r.content.decode()
    assert r.status_code == 200 and SCRIPT not in body and "&lt;script&gt;" in body
    assert TipAddition.objects.filter(tip=tip).count() == 1
    # a wrong captcha adds nothing
    r = client.post(reverse("public:track_add"), {"code": tip.tracking_code, "secret": secret, "text": "再补充",
                                                  "captcha_token": "x", "captcha": "1"})
    assert r.status_code == 400 and TipAddition.objects.filter(tip=tip).count() == 1


def test_flooding_the_tracking_page_is_refused(client, world, settings):
    from anjian.public.models import TipParameter

    TipParameter.objects.filter(code="lookups_per_hour").update(value=3)
    for _ in range(3):
        assert client.post(reverse("public:track"), {"code": "JBXXXX", "secret": "y"}).status_code == 400
    assert client.post(reverse("public:track"), {"code": "JBXXXX", "secret": "y"}).status_code == 429
