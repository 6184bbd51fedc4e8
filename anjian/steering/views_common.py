"""What every page of the committee office shares: the model-permission gate (a role that may not
change these records gets 403 before any record is read), one-click steps whose refusals come
back as messages on the record's page, form pages, and the timeline in words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.events import event_label, event_state_labels
from anjian.core.forms import add_service_errors
from anjian.core.history import history_rows
from anjian.core.services import ConflictError, attachments_for, events_for

PAGE_SIZE = 30
SECTION = gettext_lazy("Committee office")


def require(user, perm: str) -> None:
    """403 unless the user's role may change these records at all (the services then decide
    for the record at hand)."""
    if not user.has_perm(perm):
        raise PermissionDenied


def crumbs(*extra) -> list[tuple[str, str]]:
    return [(str(SECTION), reverse("steering:home")), *extra]


def page(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def error_text(exc: Exception) -> str:
    if isinstance(exc, ConflictError):
        return exc.message
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return _("You may not do this.")


def step(request, do: Callable[[], str | None], back: str) -> HttpResponse:
    """Run one POSTed step; its refusal (a rule, a conflict) is a message on the page ``back``;
    a refused right is a 403."""
    try:
        message = do()
    except (ValidationError, ConflictError) as exc:
        messages.error(request, error_text(exc))
    else:
        if message:
            messages.success(request, message)
    return redirect(back)


def form_errors(form) -> ValidationError:
    """A bound form's errors as one ValidationError naming the fields (for one-click forms)."""
    return ValidationError([f"{form.fields[k].label if k in form.fields else ''}：{m}".lstrip("：")
                            for k, errs in form.errors.items() for m in errs])


def form_page(request, form, save: Callable[[Any], HttpResponse], template: str, context: dict) -> HttpResponse:
    """A form page: on a valid POST ``save(form)`` answers the response; a service's refusal is put
    back on the form (next to its field), a conflict above it."""
    if request.method == "POST" and form.is_valid():
        try:
            return save(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ConflictError as exc:
            form.add_error(None, exc.message)
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


def timeline(obj, app_label: str = "steering", limit: int = 100) -> list[dict]:
    """The record's events in words, with the files each step brought."""
    rows = []
    files: dict[int, list] = {}
    for att in attachments_for(obj):
        files.setdefault(att.event_id, []).append(att)
    for event in events_for(obj)[:limit]:
        from_state, to_state = event_state_labels(event)
        rows.append({"at": event.at, "actor": event.actor, "label": event_label(event.action, app_label),
                     "from_state": from_state if event.to_state else "", "to_state": to_state if event.to_state else "",
                     "comment": event.comment, "files": files.get(event.pk, [])})
    return rows


def history(obj) -> list:
    return history_rows(obj)


def record_step(request, perm: str, get: Callable[[Any, int], Any], pk: int, do: Callable[[Any], str | None],
                back: str) -> HttpResponse:
    """A POSTed step on one record: 403 without the role's permission, 404 outside the scope, the
    step's refusal a message on the record's page (``back``: its URL name)."""
    require(request.user, perm)
    record = get(request.user, pk)
    return step(request, lambda: do(record), reverse(back, args=[pk]))


def posted(form_class, request, **kwargs):
    """The valid form of a one-click step, or the ValidationError naming its fields."""
    form = form_class(request.POST, request.FILES, **kwargs)
    if not form.is_valid():
        raise form_errors(form)
    return form


def list_page(request, queryset, filter_class, template: str, *, order=None, **context) -> HttpResponse:
    """A list page: the caller's rows of ``queryset`` (already scoped) narrowed by the filter bar
    (the API's filters, the page's widgets), ordered by ``order`` (or the filter's sort), paged."""
    filterset = filter_class(request.GET or None, queryset=queryset, user=request.user)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    if order is None:
        order = filterset.sort_orders[filterset.sort]
    return render(request, template, {"form": filterset.form, "page_obj": page(request, qs.order_by(*order)),
                                      **context})


def void_page(request, pk: int, perm: str, get: Callable[[Any, int], Any], service, detail: str,
              listing: str) -> HttpResponse:
    """Void a record from its page (with the reason and the version the page showed): back to the
    list when done, to the record's page with the refusal."""
    from .forms import ReasonForm

    require(request.user, perm)
    record = get(request.user, pk)
    try:
        form = posted(ReasonForm, request)
        service(record, actor=request.user, reason=form.cleaned_data["reason"], version=form.cleaned_data["version"])
    except (ValidationError, ConflictError) as exc:
        messages.error(request, error_text(exc))
        return redirect(detail, pk=pk)
    messages.success(request, _("Voided."))
    return redirect(listing)


def files_by(model, rows) -> dict[int, list]:
    """The files of some rows of ``model`` (meetings, checks, progress reports), in one query."""
    from django.contrib.contenttypes.models import ContentType

    from anjian.core.models import Attachment

    ids = [str(r.pk) for r in rows]
    out: dict[int, list] = {}
    if ids:
        ct = ContentType.objects.get_for_model(model)
        for att in Attachment.objects.filter(content_type=ct, object_id__in=ids):
            out.setdefault(int(att.object_id), []).append(att)
    return out
