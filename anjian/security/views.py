"""The security log page (system administrators only): filter by kind, person and period."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from .filters import SecurityEventFilter
from .models import SecurityEvent

PAGE_SIZE = getattr(settings, "ANJIAN_PAGE_SIZE", 50)


@login_required
def security_log(request):
    """The security log, newest first."""
    if not request.user.is_system_admin:
        raise PermissionDenied
    filterset = SecurityEventFilter(request.GET or None,
                                    queryset=SecurityEvent.objects.select_related("actor").order_by("-at", "-id"))
    page_obj = Paginator(filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset,
                         PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "security/log.html", {"form": filterset.form, "page_obj": page_obj,
                                                 "rows": list(page_obj.object_list)})
