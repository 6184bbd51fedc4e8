"""The warnings inbox page (预警): the user's open warnings, unread first, with filters by rule and
level, marking read, links to the records, and a tab of closed warnings.

Reads go through ``alerts.engine.inbox`` (``Warning.objects.for_user`` narrowed to the rules
addressed to the user's role), so a warning outside them answers 404.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anjian.core.forms import Form
from anjian.core.pages import scoped_list
from anjian.core.scoping import ENTERPRISE, scope_of

from .engine import (
    ALL_STATES,
    CLOSED,
    OPEN,
    UnreadFirst,
    inbox,
    level_badge,
    mark_all_read,
    mark_read,
    rule_title,
    rules_for,
    unread_count,
    warning_url,
)
from .models import Warning

PAGE_SIZE = getattr(settings, "ANJIAN_PAGE_SIZE", 50)


class InboxFilter(Form):
    """The inbox's filters: rule (those addressed to the user), level, only unread."""

    rule = forms.ChoiceField(label=gettext_lazy("Rule"), required=False)
    level = forms.ChoiceField(label=gettext_lazy("Level"), required=False,
                              choices=[("", gettext_lazy("All levels")), *Warning.Level.choices])
    unread = forms.BooleanField(label=gettext_lazy("Unread only"), required=False)
    # From the enterprise's file: that enterprise's warnings (not a visible filter).
    enterprise = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", _("All rules")), *[(r.code, r.title) for r in rules_for(user)]]


def _status(request: HttpRequest) -> str:
    status = request.GET.get("status") or OPEN
    return status if status in (OPEN, CLOSED) else OPEN


def _inbox_for(request: HttpRequest, status: str, form: InboxFilter | None = None):
    data: dict = {}
    if form is not None and form.is_bound:
        form.is_valid()  # an invalid field is shown next to it and ignored; the valid ones apply
        data = form.cleaned_data
    return inbox(request.user, status=status, rule=data.get("rule") or None, level=data.get("level") or None,
                 unread=True if data.get("unread") else None, enterprise=data.get("enterprise") or None)


def _enterprise_name(user, pk: int | None) -> str:
    """The name of the enterprise the inbox is narrowed to, if the user may see it."""
    if not pk:
        return ""
    from django.apps import apps

    enterprises = scoped_list(user, apps.get_model("enterprises", "Enterprise"))
    return enterprises.filter(pk=pk).values_list("name", flat=True).first() or ""


@login_required
def inbox_page(request: HttpRequest) -> HttpResponse:
    """The inbox: open warnings (unread first) or the closed tab, filtered, 50 a page."""
    status = _status(request)
    form = InboxFilter(request.GET or None, user=request.user)
    qs = _inbox_for(request, status, form).select_related("enterprise")
    source = UnreadFirst(qs) if status == OPEN else qs
    page = Paginator(source, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"w": w, "url": warning_url(w), "badge": level_badge(w.level), "rule_title": rule_title(w.rule)}
            for w in page.object_list]
    # Shared with the layout's badge (context_processors.warnings_badge): counted once a request.
    unread = getattr(request, "_anjian_unread_warnings", None)
    if unread is None:
        unread = request._anjian_unread_warnings = unread_count(request.user)
    enterprise = form.cleaned_data.get("enterprise") if form.is_bound and form.is_valid() else None
    keep = [("status", status)] if status != OPEN else []
    if enterprise:
        keep.append(("enterprise", enterprise))
    return render(request, "alerts/warnings.html", {
        "form": form, "status": status, "page_obj": page, "rows": rows,
        "OPEN": OPEN, "CLOSED": CLOSED, "unread": unread, "has_rules": bool(rules_for(request.user)),
        "keep": keep, "enterprise_id": enterprise, "enterprise_name": _enterprise_name(request.user, enterprise),
        # An enterprise user's warnings are all about their own enterprise: no column for it.
        "show_enterprise": scope_of(request.user).kind != ENTERPRISE,
    })


def _back(request: HttpRequest) -> str:
    nxt = request.POST.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return nxt
    return reverse("warnings:inbox")


@login_required
@require_POST
def mark_read_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one warning read (404 outside the user's inbox), back to where the user was."""
    warning = get_object_or_404(inbox(request.user, status=ALL_STATES), pk=pk)
    mark_read(warning, request.user)
    return redirect(_back(request))


@login_required
@require_POST
def mark_all_read_view(request: HttpRequest) -> HttpResponse:
    """Mark every unread open warning matching the inbox's filters read."""
    form = InboxFilter(request.POST or None, user=request.user)
    n = mark_all_read(request.user, _inbox_for(request, OPEN, form))
    messages.success(request, _("%(count)d warnings marked as read.") % {"count": n})
    return redirect(_back(request))


@login_required
def open_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the record a warning is about, marking the warning read on the way (like opening
    a message). 404 outside the user's inbox; back to the inbox when the record has no page."""
    warning = get_object_or_404(inbox(request.user, status=ALL_STATES), pk=pk)
    mark_read(warning, request.user)
    url = warning_url(warning)
    if url is None:
        messages.info(request, warning.message)
        return redirect("warnings:inbox")
    return redirect(url)
