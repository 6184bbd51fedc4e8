"""Scoped reads for the pages: the one way a view fetches the records it shows.

``scoped_list`` is the caller's rows of a model (or of a queryset over it: joins, filters and
ordering stay as given); ``scoped_object_or_404`` is one of them, or 404 — a record out of the
caller's scope answers exactly as a missing one. Both go through ``for_user`` (core.scoping),
so no page narrows a queryset by hand. The API's viewsets get the same from their base
(core.api.ScopedGenericViewSet); their actions use these two for any other record they read.

``who`` is the request (a Django or DRF request) or, in a helper that has only the user, the user.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.shortcuts import get_object_or_404


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
