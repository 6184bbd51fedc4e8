"""Signs a person out of the web pages after ``ANJIAN_SESSION_IDLE_MINUTES`` without a request.

The last activity is kept in the session and rewritten at most once a minute, so ordinary reading
does not write the session on every request."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

from .choices import SecurityEventKind
from .services import log_security_event

KEY = "_anjian_last_seen"


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            idle = int(getattr(settings, "ANJIAN_SESSION_IDLE_MINUTES", 30)) * 60
            now = int(time.time())
            last = request.session.get(KEY)
            if idle > 0 and last is not None and now - int(last) > idle:
                request._anjian_idle_logout = True
                log_security_event(SecurityEventKind.IDLE_LOGOUT, user=user, actor=user, request=request,
                                   detail={"idle_minutes": (now - int(last)) // 60})
                logout(request)
                messages.info(request, _("You were signed out after %(minutes)s minutes without activity.")
                              % {"minutes": idle // 60})
            elif last is None or now - int(last) >= 60:
                request.session[KEY] = now
        return self.get_response(request)
