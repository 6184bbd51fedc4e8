"""The product's error pages: 400, 403, 404, 500 and a refused form, in Chinese (default) and
English, never Django's debug pages; JSON under /api/; uploaded files never served by URL."""

import pytest
from django.test import Client

from anjian.core import views_errors
from anjian.orgs.choices import Role

pytestmark = [pytest.mark.django_db, pytest.mark.urls("anjian.portal.tests.error_urls")]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def logged_in(world) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(world.users[Role.REGULATOR])
    return client


def test_404_is_the_product_page_in_the_layout_not_the_url_list(world):
    # Given a logged-in regulator
    client = logged_in(world)
    # When they open an address that does not exist
    response = client.get("/no-such-page/")
    # Then they get the product's 404 in Chinese, with the menu, the path and a way home
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body and "管辖范围" in body and "返回首页" in body
    assert 'class="sidenav"' in body and "/no-such-page/" in body
    # and not Django's technical page, which lists every URL pattern
    assert "URLconf" not in body and "test-errors/boom/" not in body


def test_404_in_english_and_for_an_anonymous_visitor(world):
    # Given an anonymous visitor whose browser asks for English
    response = Client().get("/no-such-page/", **EN)
    body = response.content.decode()
    # Then the page is in English and offers to log in
    assert response.status_code == 404
    assert "No such page" in body and "Log in" in body


def test_403_and_400_pages(world):
    client = logged_in(world)
    # When a view refuses the user, the product's 403 says so (and how to get access)
    response = client.get("/test-errors/denied/")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode() and "系统管理员" in response.content.decode()
    # When a request is malformed, the standalone 400 page answers
    response = client.get("/test-errors/suspicious/")
    assert response.status_code == 400 and "请求有误" in response.content.decode()
    # and a host that is not allowed gets it too, without the layout (it needs a sound request)
    response = Client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400 and "请求有误" in response.content.decode()


def test_500_is_a_standalone_page_that_needs_no_database(world, django_assert_num_queries):
    client = logged_in(world)
    # When a view fails
    response = client.get("/test-errors/boom/")
    # Then the user sees the product's 500 (no traceback), in Chinese; in English when asked
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统出现错误" in body and "a bug" not in body and "Traceback" not in body
    assert "Something went wrong" in client.get("/test-errors/boom/", **EN).content.decode()
    # and the page is drawn without a single query, and without a request
    with django_assert_num_queries(0):
        assert views_errors.server_error(None).status_code == 500


def test_api_errors_answer_json(world):
    client = logged_in(world)
    response = client.get("/api/no-such-endpoint/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "未找到。"}
    response = client.get("/api/test-errors/boom/")
    assert response.status_code == 500 and "detail" in response.json()


def test_a_form_without_its_security_token_gets_the_product_page(world):
    # Given a browser that posts the log-in form without a CSRF token
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "x", "password": "y"})
    # Then the refusal is the product's page, saying what to do
    body = response.content.decode()
    assert response.status_code == 403
    assert "表单已失效" in body and "刷新后重新提交" in body
    response = client.post("/login/", {"username": "x", "password": "y"}, **EN)
    assert "The form has expired" in response.content.decode()


def test_uploaded_files_are_never_served_by_url(world, settings, tmp_path):
    # Given a file in MEDIA_ROOT (where attachments are stored)
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "attachments").mkdir()
    (tmp_path / "attachments" / "photo.jpg").write_bytes(b"\xff\xd8secret")
    # When anyone asks for it by its media path, even logged in
    response = logged_in(world).get("/media/attachments/photo.jpg")
    # Then there is no such page: attachments go through the scoped /files/<id>/ view only
    assert response.status_code == 404 and b"secret" not in response.content
