"""Scoped reads for the pages: the one way a view fetches the records it shows.

``scoped_list`` is the caller's rows of a model (or of a queryset over it: joins, filters and
ordering stay as given); ``scoped_object_or_404`` is one of them, or 404 — a record out of the
caller's scope answers exactly as a missing one. Both go through ``for_user`` (core.scoping),
so no page narrows a queryset by hand. The API's viewsets get the same from their base
(core.api.ScopedGenericViewSet); their actions use these two for any other record they read.

``who`` is the request (a Django or DRF request) or, in a helper that has only the user, the user.

``submit`` is the one way a page runs a service for a posted form, and ``form_page`` the one way
it shows the form again: a service's refusal lands next to the fields it names, a version
conflict above the form, and a page showing errors answers 400.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .forms import add_service_errors
from .services import ConflictError


def _user_of(who: Any):
    if isinstance(who, HttpRequest) or hasattr(who, "_request"):  # hasattr: a DRF Request
        return who.user
    return who


def scoped_list(who: Any, model_or_qs: type[models.Model] | models.QuerySet, *, include_voided: bool = False,
                **filters: Any) -> models.QuerySet:
    """The rows of ``model_or_qs`` the caller may see (voided ones only if asked), narrowed by
    ``filters``. A model without scoping (``Scoping`` and a ``ScopedQuerySet``) is refused."""
    qs = model_or_qs._default_manager.all() if isinstance(model_or_qs, type) else model_or_qs
    if not hasattr(qs, "for_user"):
        raise TypeError(f"{qs.model.__name__} has no ScopedQuerySet: it cannot be read through the scoped helpers")
    qs = qs.for_user(_user_of(who), include_voided=include_voided)
    return qs.filter(**filters) if filters else qs


def scoped_object_or_404(who: Any, model_or_qs: type[models.Model] | models.QuerySet, *,
                         include_voided: bool = False, **lookup: Any) -> models.Model:
    """The one row of ``model_or_qs`` matching ``lookup`` that the caller may see, else 404
    (Http404, which DRF answers as 404 too)."""
    return get_object_or_404(scoped_list(who, model_or_qs, include_voided=include_voided), **lookup)


def submit(request: HttpRequest, form: forms.Form, service: Callable[[dict[str, Any]], Any], *,
           success: str | Callable[[Any], str], then: Any, aliases: dict[str, str] | None = None,
           denied_on_form: bool = False) -> HttpResponse | None:
    """Run ``service(form.cleaned_data)`` for a posted, valid ``form``; on success flash
    ``success`` and redirect to ``then`` (a URL, a view name or a model; either may be a callable
    of the service's result). ``None`` means "show the form again": nothing was posted, the form is
    invalid, the service refused (its ValidationError goes next to the fields, through
    ``aliases`` where the service names a field otherwise) or the record changed since the user
    loaded it (ConflictError, above the form). With ``denied_on_form`` a right the service itself
    refuses (PermissionDenied, e.g. "reports only for your own enterprise") is said above the form
    too, instead of answering 403."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = service(form.cleaned_data)
    except ValidationError as exc:
        # core.workflow.void names the reason ``void_reason``; void forms call the field ``reason``.
        defaults = {} if "void_reason" in form.fields else {"void_reason": "reason"}
        add_service_errors(form, exc, {**defaults, **(aliases or {})})
        return None
    except ConflictError as exc:
        form.add_error(None, exc.message)
        return None
    except PermissionDenied as exc:
        if not denied_on_form:
            raise
        form.add_error(None, str(exc) or _("You may not do this."))
        return None
    messages.success(request, success(result) if callable(success) else success)
    return redirect(then(result) if callable(then) else then)


def form_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render a page around ``context["form"]``: 400 when the form carries errors, so that a
    refused submission is a refusal to a client and to the tests, not a 200."""
    return render(request, template, context, status=400 if context["form"].errors else 200)
