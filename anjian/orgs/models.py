"""Departments and people: who acts, for which department, over which jurisdiction."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anjian.core.models import VoidableModel
from anjian.core.scoping import ScopedQuerySet

from .choices import REGION_SCOPED_ROLES, DepartmentKind, Role


class Department(VoidableModel):
    """A government body of one region: the regulator (应急管理局), an industry department
    with the industries it supervises ("管行业必须管安全"), or the committee office (安委办)."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=32, choices=DepartmentKind.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="departments",
                               verbose_name=_("region"))
    industries = models.ManyToManyField("enterprises.Industry", blank=True, related_name="departments",
                                        verbose_name=_("supervised industries"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    duties = models.TextField(_("duty list"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords(m2m_fields=[industries])

    class Scoping:
        path = "region__path"

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["region__path", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_unique_name_per_region")]

    def __str__(self) -> str:
        return self.name


class UserQuerySet(ScopedQuerySet):
    pass


class AnjianUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who logs in. The role decides what they may do; the scope fields decide
    which records they may see (see ``anjian.core.scoping``)."""

    name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.REGULATOR)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="members", verbose_name=_("department"))
    scope_region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("scope region"))
    scope_industries = models.ManyToManyField("enterprises.Industry", blank=True, related_name="+",
                                              verbose_name=_("scope industries"))
    scope_grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="officers", verbose_name=_("scope grid"))
    scope_enterprise = models.ForeignKey("enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="users", verbose_name=_("scope enterprise"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = AnjianUserManager()

    class Scoping:
        # Users are managed by system administrators; everyone else sees no user list.
        pass

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.name or self.username

    @property
    def is_system_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    def clean(self) -> None:
        super().clean()
        if self.is_superuser or self.role == Role.ADMIN:
            return
        if self.role == Role.ENTERPRISE and not self.scope_enterprise_id:
            raise ValidationError({"scope_enterprise": _("An enterprise user must be bound to one enterprise.")})
        if self.role == Role.GRID_OFFICER and not self.scope_grid_id:
            raise ValidationError({"scope_grid": _("A grid officer must be bound to one grid.")})
        if self.role in REGION_SCOPED_ROLES and not self.scope_region_id:
            raise ValidationError({"scope_region": _("This role needs a scope region.")})
