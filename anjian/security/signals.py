"""Receivers that write the security log: sign-ins (Django's auth signals), lockouts
(django-axes), changes of a person's role, scope or standing (the user model's saves), and the
enterprise-system API keys (their events, written by the hazards app)."""

from __future__ import annotations

import time

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

from .choices import SecurityEventKind as K
from .services import log_security_event

User = get_user_model()

#: Fields whose change is a change of rights, and of jurisdiction.
RIGHTS_FIELDS = ("role", "is_staff", "is_superuser", "department_id")
SCOPE_FIELDS = ("scope_region_id", "scope_grid_id", "scope_enterprise_id")
#: Events of other apps that are security events.
BRIDGED_ACTIONS = {"api_key_issued": K.KEY_ISSUED, "api_key_revoked": K.KEY_REVOKED}


def _request():
    """The request being served (simple-history's middleware keeps it), for the actor and address."""
    return getattr(HistoricalRecords.context, "request", None)


def _actor():
    user = getattr(_request(), "user", None)
    return user if getattr(user, "is_authenticated", False) else None


@receiver(user_logged_in, dispatch_uid="anjian_security_login")
def _logged_in(sender, request, user, **kwargs):
    log_security_event(K.LOGIN, user=user, actor=user, request=request)
    # Start the idle clock with the session Django saves at sign-in anyway, so the first page
    # after it does not write the session again.
    session = getattr(request, "session", None)
    if session is not None:
        from .middleware import KEY

        session[KEY] = int(time.time())


@receiver(user_logged_out, dispatch_uid="anjian_security_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None and not getattr(request, "_anjian_idle_logout", False):
        log_security_event(K.LOGOUT, user=user, actor=user, request=request)


@receiver(user_login_failed, dispatch_uid="anjian_security_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # ``credentials`` has the password masked by Django; only the name is kept.
    username = str(credentials.get("username", ""))[:150]
    user = User._default_manager.filter(username=username).first() if username else None
    log_security_event(K.LOGIN_FAILED, user=user, username=username, request=request)


@receiver(user_locked_out, dispatch_uid="anjian_security_locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    user = User._default_manager.filter(username=username).first() if username else None
    log_security_event(K.LOCKED_OUT, user=user, username=username or "", request=request)


@receiver(pre_save, sender=User, dispatch_uid="anjian_security_user_before")
def _remember(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._security_before = None
        return
    instance._security_before = (User._default_manager.filter(pk=instance.pk)
                                 .values(*RIGHTS_FIELDS, *SCOPE_FIELDS, "is_active", "password").first())


@receiver(post_save, sender=User, dispatch_uid="anjian_security_user_after")
def _user_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    actor = _actor()
    if created:
        log_security_event(K.USER_CREATED, user=instance, actor=actor, request=_request(),
                           detail={"role": instance.role})
        return
    before = getattr(instance, "_security_before", None)
    if not before:
        return

    def changes(fields):
        return {f: [_plain(before[f]), _plain(getattr(instance, f))] for f in fields if before[f] != getattr(instance, f)}

    for kind, fields in ((K.ROLE_CHANGED, RIGHTS_FIELDS), (K.SCOPE_CHANGED, SCOPE_FIELDS)):
        changed = changes(fields)
        if changed:
            log_security_event(kind, user=instance, actor=actor, request=_request(), detail={"changes": changed})
    if before["is_active"] != instance.is_active:
        log_security_event(K.REACTIVATED if instance.is_active else K.DEACTIVATED, user=instance, actor=actor,
                           request=_request())
    if before["password"] != instance.password and (update_fields is None or "password" in update_fields):
        # Never the hash itself: only that it changed and by whom.
        log_security_event(K.PASSWORD_CHANGED, user=instance, actor=actor, request=_request())


def _plain(value):
    return value if value is None or isinstance(value, (int, str, bool)) else str(value)


@receiver(m2m_changed, sender=User.scope_industries.through, dispatch_uid="anjian_security_scope_industries")
def _industries_changed(sender, instance, action, pk_set, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, User):
        log_security_event(K.SCOPE_CHANGED, user=instance, actor=_actor(), request=_request(),
                           detail={"scope_industries": {"action": action[5:], "ids": sorted(pk_set or [])}})


def _bridge_event(sender, instance, created, raw=False, **kwargs):
    kind = BRIDGED_ACTIONS.get(instance.action)
    if raw or not created or kind is None:
        return
    log_security_event(kind, user=instance.actor, actor=instance.actor, request=_request(),
                       detail={"record": instance.object_id, **{k: v for k, v in (instance.data or {}).items()
                                                                 if k in ("prefix", "enterprise", "name")}})


def _connect_bridge():
    from anjian.core.models import Event

    post_save.connect(_bridge_event, sender=Event, dispatch_uid="anjian_security_event_bridge")


_connect_bridge()
