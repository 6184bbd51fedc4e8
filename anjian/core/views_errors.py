"""The product's error pages (400, 403, 404, 500 and the refused form of a CSRF failure).

403 and 404 are drawn in the base layout (menu, language switch), since the request that
failed is otherwise sound. 400 and 500 use a standalone page that needs no database, no
context processor and no request: a 400 can come from a request whose host is not allowed,
and a 500 from a database that is down. Under /api/ the answer is JSON in DRF's shape
(``{"detail": …}``) so API clients never parse an HTML page.
"""

from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from rest_framework import exceptions as drf_exceptions

API_PREFIX = "/api/"


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def _json(detail, status: int) -> JsonResponse:
    return JsonResponse({"detail": str(detail)}, status=status, json_dumps_params={"ensure_ascii": False})


def _standalone(template: str, status: int) -> HttpResponse:
    """A page rendered without the request: no context processors, no database."""
    return HttpResponse(loader.get_template(template).render({}), status=status)


def bad_request(request, exception=None):
    if _is_api(request):
        return _json(drf_exceptions.ParseError.default_detail, 400)
    return _standalone("400.html", 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    if _is_api(request):
        return _json(drf_exceptions.PermissionDenied.default_detail, 403)
    return render(request, "403.html", status=403)


@requires_csrf_token
def page_not_found(request, exception=None):
    if _is_api(request):
        return _json(drf_exceptions.NotFound.default_detail, 404)
    # The path is shown (escaped) so a mistyped address can be spotted; the exception's text is
    # not: it names models and URL patterns.
    return render(request, "404.html", {"request_path": request.path}, status=404)


def server_error(request=None):
    if request is not None and _is_api(request):
        return _json(drf_exceptions.APIException.default_detail, 500)
    return _standalone("500.html", 500)


def csrf_failure(request, reason=""):
    """A form refused for a missing or stale security token (CSRF_FAILURE_VIEW). Rendering
    the page with the request gives the browser a fresh token, so going back and sending the
    form again works."""
    if _is_api(request):
        return _json(_("The form's security token is missing or out of date."), 403)
    return render(request, "403_csrf.html", {"no_cookie": reason == REASON_NO_CSRF_COOKIE}, status=403)
