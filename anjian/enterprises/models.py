"""The enterprise registry (生产经营单位), its industry taxonomy and the supervision plate (一企一牌)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anjian.core.models import VersionedModel, VoidableModel
from anjian.core.scoping import ScopedQuerySet

from .choices import HighRiskBasis, OperatingStatus
from .validators import validate_credit_code


class Industry(models.Model):
    """A sector of the coded industry taxonomy (行业领域). A child's code starts with its
    parent's code, so "this industry and its sub-sectors" is a prefix match. Reference data
    loaded by migrate."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("parent"))
    high_risk = models.BooleanField(_("high-risk sector"), default=False)
    high_risk_source = models.TextField(
        _("basis of the high-risk flag"), blank=True,
        help_text=_("The law or rule (document and article) that makes this sector high-risk or not."))
    sort = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def descendant_ids(self) -> list[int]:
        return list(Industry.objects.filter(code__startswith=self.code).values_list("pk", flat=True))


class FeatureTag(models.Model):
    """A feature of enterprises that campaigns and statistics select on, across industries
    (涉爆粉尘, 涉氨制冷, 有限空间作业, …). Reference data loaded by migrate and edited by
    administrators; a tag is retired (``is_active``), never deleted."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=30, unique=True)
    description = models.CharField(_("what counts"), max_length=200, blank=True)
    source = models.TextField(_("legal basis"), blank=True,
                              help_text=_("The document and article the tag rests on."))
    source_confirmed = models.BooleanField(
        _("source confirmed"), default=True,
        help_text=_("Untick when the article was not checked against the official text."))
    is_active = models.BooleanField(_("active"), default=True,
                                    help_text=_("A retired tag stays on enterprises but cannot be newly given."))
    sort = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("feature tag")
        verbose_name_plural = _("feature tags")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class EnterpriseQuerySet(ScopedQuerySet):
    def with_current_supervision(self) -> models.QuerySet:
        return self.annotate(
            has_supervision=Exists(Supervision.objects.filter(enterprise=OuterRef("pk"), is_current=True))
        )

    def blind_spots(self) -> models.QuerySet:
        """Enterprises that exist (not closed) but have no current supervision assignment."""
        return self.exclude(status=OperatingStatus.CLOSED).filter(
            ~Exists(Supervision.objects.filter(enterprise=OuterRef("pk"), is_current=True))
        )


class Enterprise(VoidableModel, VersionedModel):
    """A supervised production and business unit (enterprise, individual business, cooperative).

    ``region`` is the township; ``region_path`` copies its path so that jurisdiction filters
    are one range on this table's own indexes, without a join. ``status`` moves along
    ``choices.OPERATING_STATUS_MACHINE``; ``version`` counts the changes (an edit from a stale
    copy is a conflict).
    """

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True,
                                   validators=[validate_credit_code])
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    principal_name = models.CharField(_("principal"), max_length=50, blank=True)
    principal_phone = models.CharField(_("principal phone"), max_length=30, blank=True)
    safety_manager_name = models.CharField(_("safety manager"), max_length=50, blank=True)
    safety_manager_phone = models.CharField(_("safety manager phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="enterprises",
                               verbose_name=_("township"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="enterprises", verbose_name=_("grid"))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="enterprises",
                                 verbose_name=_("industry"))
    above_scale = models.BooleanField(_("above designated size"), default=False)
    employees = models.PositiveIntegerField(_("employees"), default=0)
    high_risk = models.BooleanField(_("high-risk"), default=False)
    high_risk_basis = models.CharField(
        _("high-risk basis"), max_length=16, choices=HighRiskBasis.choices, default=HighRiskBasis.INDUSTRY,
        help_text=_("From the industry: the flag follows the industry's. Set by hand: kept as set."))
    tags = models.ManyToManyField(FeatureTag, through="EnterpriseTag", blank=True, related_name="enterprises",
                                  verbose_name=_("feature tags"))
    status = models.CharField(_("operating status"), max_length=16, choices=OperatingStatus.choices,
                              default=OperatingStatus.OPERATING, editable=False)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True, editable=False)
    suspended_on = models.DateField(_("suspended on"), null=True, blank=True, editable=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["region_path", "updated_at", "version"])
    objects = EnterpriseQuerySet.as_manager()

    class Scoping:
        path = "region_path"
        industry = "industry"
        grid = "grid"
        enterprise = "pk"

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["-id"]
        permissions = [
            ("import_enterprise", _("Can import enterprises")),
            ("change_status_enterprise", _("Can change operating status")),
        ]
        indexes = [
            # The list's indexes hold is_voided (scoping always filters on it) and the key, so
            # COUNT(*) and the page of keys are read from the index alone (PostgreSQL: index-only
            # scan; SQLite: covering index — SQLite needs the column itself, a partial index
            # WHERE NOT is_voided would not do) instead of one table row per match.
            models.Index(fields=["region_path", "is_voided", "id"], name="ent_path_idx"),
            models.Index(fields=["industry", "region_path", "is_voided", "id"], name="ent_industry_path_idx"),
            models.Index(fields=["status", "region_path"], name="ent_status_path_idx"),
            models.Index(fields=["grid", "id"], name="ent_grid_idx"),
            models.Index(fields=["name"], name="ent_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.region_id:
            self.region_path = self.region.path
        # The invariant every write path keeps: a flag "from the industry" is the industry's.
        if self.high_risk_basis == HighRiskBasis.INDUSTRY and self.industry_id:
            self.high_risk = self.industry.high_risk
        super().save(*args, **kwargs)

    @property
    def current_supervision(self):
        cached = getattr(self, "_prefetched_current", None)
        if cached is not None:
            return cached[0] if cached else None
        return self.supervisions.filter(is_current=True).select_related("department", "officer").first()


class Supervision(models.Model):
    """One assignment of the supervision plate (一企一牌): the supervising department, the
    responsible leader and the supervising officer of an enterprise. At most one is current
    per enterprise; past ones are kept as history."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="supervisions",
                                   verbose_name=_("enterprise"))
    department = models.ForeignKey("orgs.Department", on_delete=models.PROTECT, related_name="supervisions",
                                   verbose_name=_("supervising department"))
    leader_name = models.CharField(_("responsible leader"), max_length=50)
    leader_phone = models.CharField(_("responsible leader phone"), max_length=30, blank=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="supervised", verbose_name=_("supervising officer (user)"))
    officer_name = models.CharField(_("supervising officer"), max_length=50)
    officer_phone = models.CharField(_("supervising officer phone"), max_length=30, blank=True)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    is_current = models.BooleanField(_("current"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "enterprise__region_path"
        industry = "enterprise__industry"
        grid = "enterprise__grid"
        enterprise = "enterprise"

    class Meta:
        verbose_name = _("supervision assignment")
        verbose_name_plural = _("supervision assignments")
        ordering = ["-is_current", "-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise"], condition=Q(is_current=True),
                                    name="supervision_one_current_per_enterprise"),
        ]
        indexes = [models.Index(fields=["enterprise", "is_current"], name="sup_ent_current_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise} — {self.department}"


class EnterpriseTag(models.Model):
    """One feature tag given to one enterprise (the through table of ``Enterprise.tags``).
    Removing a tag deletes this link; the change is kept as a ``tags_changed`` event on the
    enterprise (who, when, which tags)."""

    # No single-column indexes: the unique (enterprise, tag) and the (tag, enterprise) index
    # below serve both directions.
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="tag_links", db_index=False,
                                   verbose_name=_("enterprise"))
    tag = models.ForeignKey(FeatureTag, on_delete=models.PROTECT, related_name="links", db_index=False,
                            verbose_name=_("feature tag"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("feature tag of an enterprise")
        verbose_name_plural = _("feature tags of enterprises")
        constraints = [
            # Also the index of "this enterprise's tags" (the list's tag column).
            models.UniqueConstraint(fields=["enterprise", "tag"], name="ent_tag_unique"),
        ]
        # The list's ?tag= filter: the enterprises of one tag, read from the index alone.
        indexes = [models.Index(fields=["tag", "enterprise"], name="ent_tag_tag_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.tag_id}"
