"""Enterprise-system API keys (与企业隐患排查治理系统联网) as pages: the keys in the user's
jurisdiction, issuing one (its secret is shown once, on the answer page, never again) and
revoking one. The rules are those of ``hazards.auth`` (issue_key / revoke_key)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from anjian.core.forms import Form, add_service_errors
from anjian.core.pages import scoped_list, scoped_object_or_404
from anjian.core.scoping import ENTERPRISE as ENTERPRISE_SCOPE
from anjian.core.scoping import scope_of
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import Role

from .auth import issue_key, revoke_key
from .forms_report import find_enterprise
from .models import EnterpriseApiKey
from .policy import policy

PAGE_SIZE = 50


def _may_manage_some(user) -> bool:
    return policy.manages_keys(user)


class IssueKeyForm(Form):
    """Issue a key: which enterprise (fixed for an enterprise user), which of its users the key
    acts as, and a name saying which system uses it."""

    enterprise = forms.CharField(label=gettext_lazy("Enterprise"), max_length=200,
                                 help_text=gettext_lazy("Unified social credit code or exact name."))
    user = forms.CharField(label=gettext_lazy("Acts as user"), max_length=150,
                           help_text=gettext_lazy("The user name of an active user of this enterprise; "
                                                  "what the system sends is recorded as this user's."))
    name = forms.CharField(label=gettext_lazy("Key name"), max_length=100,
                           help_text=gettext_lazy("E.g. the enterprise's hazard-management system."))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.own = None
        if scope_of(actor).kind == ENTERPRISE_SCOPE:
            self.own = scoped_list(actor, Enterprise).first()
            self.fields["enterprise"].initial = self.own.name if self.own else ""
            self.fields["enterprise"].disabled = True
            self.fields["user"].initial = actor.get_username()

    def clean_enterprise(self):
        if self.own is not None:
            return self.own
        found = find_enterprise(scoped_list(self.actor, Enterprise), self.cleaned_data.get("enterprise"))
        if found is None:
            raise forms.ValidationError(_("No enterprise in your jurisdiction has this code or name."))
        return found

    def clean(self):
        cleaned = super().clean()
        enterprise, username = cleaned.get("enterprise"), (cleaned.get("user") or "").strip()
        if enterprise is not None and username:
            user = get_user_model().objects.filter(username=username, role=Role.ENTERPRISE,
                                                   scope_enterprise=enterprise, is_active=True).first()
            if user is None:
                self.add_error("user", _("The key must act as an active user of this enterprise."))
            cleaned["user"] = user
        return cleaned


@login_required
@require_http_methods(["GET", "POST"])
def key_list(request):
    """The API keys of the enterprises in the user's jurisdiction, and the form to issue one."""
    user = request.user
    if not _may_manage_some(user):
        raise PermissionDenied
    keys = (scoped_list(request, EnterpriseApiKey).select_related("enterprise", "user", "created_by")
            .order_by("-created_at", "-id"))
    issued = None
    form = IssueKeyForm(request.POST or None, actor=user)
    if request.method == "POST" and form.is_valid():
        try:
            issued = issue_key(actor=user, enterprise=form.cleaned_data["enterprise"],
                               user=form.cleaned_data["user"], name=form.cleaned_data["name"])
        except PermissionDenied:
            form.add_error("enterprise", _("You may not manage API keys of this enterprise."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = IssueKeyForm(actor=user)
    page_obj = Paginator(keys, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hazards/api_keys.html", {"page_obj": page_obj, "form": form, "issued": issued},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def key_revoke(request, pk: int):
    """Revoke a key for good (systems using it get 401 from now on)."""
    key = scoped_object_or_404(request, EnterpriseApiKey.objects.select_related("enterprise"), pk=pk)
    if not policy.can(request.user, "manage_keys", key.enterprise):
        raise PermissionDenied
    try:
        revoke_key(key, actor=request.user, comment=request.POST.get("comment", ""))
    except ValidationError:
        messages.warning(request, _("This key is already revoked."))
    else:
        messages.success(request, _("Key %(prefix)s… revoked.") % {"prefix": key.prefix})
    return redirect("hazards:api_keys")
