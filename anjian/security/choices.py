from django.db import models
from django.utils.translation import gettext_lazy as _


class SecurityEventKind(models.TextChoices):
    """What the security log records: sign-ins and their failures, lockouts, changes of a person's
    role, scope or standing, and the issue and revocation of credentials."""

    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Sign-in failed")
    LOGOUT = "logout", _("Signed out")
    IDLE_LOGOUT = "idle_logout", _("Signed out after inactivity")
    LOCKED_OUT = "locked_out", _("Account locked after failed sign-ins")
    USER_CREATED = "user_created", _("User created")
    ROLE_CHANGED = "role_changed", _("Role or rights changed")
    SCOPE_CHANGED = "scope_changed", _("Jurisdiction changed")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    DEACTIVATED = "deactivated", _("User deactivated")
    REACTIVATED = "reactivated", _("User reactivated")
    TOKEN_ISSUED = "token_issued", _("API token issued")
    TOKEN_ROTATED = "token_rotated", _("API token rotated")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    KEY_ISSUED = "key_issued", _("Enterprise-system API key issued")
    KEY_REVOKED = "key_revoked", _("Enterprise-system API key revoked")
