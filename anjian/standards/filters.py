"""Filters of the standards library, shared by the API, the pages and the exports so that one
query string means the same everywhere.

Lists show active records unless asked otherwise (``include_inactive``, or a checklist
``status`` of inactive): that default is applied by the list views, not here, because
DRF filters the detail lookups too and an inactive record must still open by its id.
"""

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.filters import BaseFilterSet

from .choices import HazardFactor
from .models import CheckItem, Checklist, CriteriaDocument, MajorHazardCriterion
from .services import in_force_q, industry_and_ancestor_codes

TRUE_VALUES = {"1", "true", "yes", "on", "True"}


class ChecklistStatus:
    """Values of the checklist ``status`` filter (the version's place in time)."""

    IN_FORCE = "in_force"
    CURRENT = "current"  # in force, or not yet in force: what is not history
    UPCOMING = "upcoming"
    SUPERSEDED = "superseded"
    INACTIVE = "inactive"
    ALL = "all"  # every version, deactivated ones too

    CHOICES = [
        (CURRENT, _("Current (in force or upcoming)")),
        (IN_FORCE, _("In force today")),
        (UPCOMING, _("Not yet in force")),
        (SUPERSEDED, _("Superseded")),
        (INACTIVE, _("Deactivated")),
        (ALL, _("All versions")),
    ]


def wants_inactive(params) -> bool:
    """Whether a list request asks to see deactivated records too."""
    return (params.get("include_inactive") in TRUE_VALUES
            or params.get("status") in (ChecklistStatus.INACTIVE, ChecklistStatus.ALL))


def related_industry_q(field: str, code: str) -> Q:
    """``field`` (an Industry relation) is the industry with ``code``, one of its sub-sectors,
    or one of its parents: what applies to an enterprise of that industry, and what a
    regulator of the whole sector wants to see."""
    return Q(**{f"{field}__code__in": industry_and_ancestor_codes(code)}) | Q(**{f"{field}__code__startswith": code})


def documents_for_industries_q(codes: list[str], prefix: str = "document__") -> Q:
    """Criteria documents (``prefix`` "" on CriteriaDocument, "document__" on a criterion) that
    apply to an enterprise of any of ``codes``: the document applies in every industry, or it
    lists one of these industries, a parent or a sub-sector of one."""
    related = Q(pk__in=[])
    for code in codes:
        related |= related_industry_q("industry", code)
    through = CriteriaDocument.industries.through.objects.filter(related).values("criteriadocument_id")
    return Q(**{f"{prefix}cross_industry": True}) | Q(**{f"{prefix}pk__in": through})


def criteria_for_industries_q(codes: list[str]) -> Q:
    """Criteria that apply to an enterprise of any of ``codes``: their document applies to it
    (``documents_for_industries_q``), and the criterion is not limited to another sub-sector."""
    own = Q(industry__isnull=True)
    for code in codes:
        own |= related_industry_q("industry", code)
    return documents_for_industries_q(codes) & own


class IncludeInactiveMixin(BaseFilterSet):
    include_inactive = django_filters.BooleanFilter(method="filter_nothing", label=_("Include deactivated records"))

    def filter_nothing(self, queryset, name, value):
        # Read by the list views (see the module docstring); declared for the form and the schema.
        return queryset


class CriteriaDocumentFilter(IncludeInactiveMixin):
    industry = django_filters.CharFilter(method="filter_industry", label=_("Industry code"))
    q = django_filters.CharFilter(method="filter_q", label=_("Title, code or document number"))

    class Meta:
        model = CriteriaDocument
        fields = ["industry", "q", "include_inactive"]

    def filter_industry(self, queryset, name, value):
        # Documents that apply in every industry (fire safety, special equipment) apply here too.
        return queryset.filter(documents_for_industries_q([value.strip()], prefix=""))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(code__icontains=value)
                               | Q(document_number__icontains=value))


class MajorHazardCriterionFilter(IncludeInactiveMixin):
    document = django_filters.NumberFilter(field_name="document_id", label=_("Document id"))
    document_code = django_filters.CharFilter(field_name="document__code", label=_("Document code"))
    industry = django_filters.CharFilter(method="filter_industry", label=_("Industry code"))
    section = django_filters.CharFilter(field_name="section", label=_("Section"))
    is_confirmed = django_filters.BooleanFilter(label=_("Text confirmed"))
    q = django_filters.CharFilter(method="filter_q", label=_("Text or code"))

    class Meta:
        model = MajorHazardCriterion
        fields = ["document", "document_code", "industry", "section", "is_confirmed", "q", "include_inactive"]

    def filter_industry(self, queryset, name, value):
        """Criteria that apply to an enterprise of this industry: their document applies to it
        (or to a parent or sub-sector), and the criterion is not limited to another sub-sector."""
        return queryset.filter(criteria_for_industries_q([value.strip()]))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(text__icontains=value) | Q(code__icontains=value) | Q(section__icontains=value))


class ChecklistFilter(IncludeInactiveMixin):
    industry = django_filters.CharFilter(method="filter_industry", label=_("Industry code"))
    general = django_filters.BooleanFilter(field_name="industry", lookup_expr="isnull",
                                           label=_("General checklists (no industry)"))
    code = django_filters.CharFilter(field_name="code", label=_("Checklist code"))
    version = django_filters.CharFilter(field_name="version", label=_("Version"))
    in_force = django_filters.DateFilter(method="filter_in_force", label=_("In force on (date)"))
    status = django_filters.ChoiceFilter(choices=ChecklistStatus.CHOICES, method="filter_status",
                                         label=_("Status"))
    q = django_filters.CharFilter(method="filter_q", label=_("Name or code"))

    class Meta:
        model = Checklist
        fields = ["industry", "general", "code", "version", "in_force", "status", "q", "include_inactive"]

    def filter_industry(self, queryset, name, value):
        return queryset.filter(related_industry_q("industry", value.strip()))

    def filter_in_force(self, queryset, name, value):
        return queryset.filter(in_force_q(value), is_active=True)

    def filter_status(self, queryset, name, value):
        today = timezone.localdate()
        if value == ChecklistStatus.ALL:
            return queryset
        if value == ChecklistStatus.INACTIVE:
            return queryset.filter(is_active=False)
        if value == ChecklistStatus.IN_FORCE:
            return queryset.filter(in_force_q(today), is_active=True)
        if value == ChecklistStatus.UPCOMING:
            return queryset.filter(effective_from__gt=today, is_active=True)
        if value == ChecklistStatus.SUPERSEDED:
            return queryset.filter(effective_to__lt=today, is_active=True)
        return queryset.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today), is_active=True)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class CheckItemFilter(IncludeInactiveMixin):
    checklist = django_filters.NumberFilter(field_name="checklist_id", label=_("Checklist id"))
    checklist_code = django_filters.CharFilter(field_name="checklist__code", label=_("Checklist code"))
    hazard_factor = django_filters.ChoiceFilter(choices=HazardFactor.choices, label=_("Hazard factor class"))
    is_major_criterion = django_filters.BooleanFilter(label=_("Major-hazard item"))
    criterion = django_filters.NumberFilter(field_name="criterion_id", label=_("Criterion id"))
    criterion_code = django_filters.CharFilter(field_name="criterion__code", label=_("Criterion code"))
    q = django_filters.CharFilter(method="filter_q", label=_("Content or basis"))

    class Meta:
        model = CheckItem
        fields = ["checklist", "checklist_code", "hazard_factor", "is_major_criterion", "criterion",
                  "criterion_code", "q", "include_inactive"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(content__icontains=value) | Q(basis__icontains=value))


def active_unless_asked(queryset: QuerySet, params) -> QuerySet:
    """A list's default: active records only, unless the query asks for deactivated ones too."""
    return queryset if wants_inactive(params) else queryset.filter(is_active=True)
