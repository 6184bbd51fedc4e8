"""Reads shared by the assessment pages, the API and the home page: the units a figure can be
about (``Subject``s of regions and departments in the viewer's scope), the targets that apply to
them, the indicator table of one unit, the breakdown of one indicator by the regions below, and
ranks with ties.

Every record is read through ``for_user`` (core.scoping); every figure through
``core.indicators.evaluate`` with the viewer, so a unit outside the viewer's jurisdiction is 404
and a figure counts only what the viewer may see.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core import indicators
from anjian.core.indicators import Indicator, Period, Subject, Value
from anjian.core.paths import CODE_LENGTH
from anjian.core.scoping import ALL, NONE, REGION, industry_subtree_ids, scope_of
from anjian.orgs.models import Department
from anjian.regions.models import Region

from .choices import AgreementState
from .models import IndicatorStandard, TargetAgreement, TargetItem

# --- units ----------------------------------------------------------------------------------------


def region_subject(region: Region) -> Subject:
    return Subject.for_region(code=region.code, name=region.name, path=region.path, pk=region.pk,
                              level=region.level)


def department_subject(department: Department, industry_codes: Iterable[str] | None = None) -> Subject:
    """A department's subject: its region, narrowed to the industries it supervises (with their
    sub-sectors) when it names any. ``industry_codes`` when already read (else one query)."""
    codes = list(industry_codes) if industry_codes is not None else list(
        department.industries.values_list("code", flat=True))
    return Subject.for_department(pk=department.pk, name=department.name, path=department.region.path,
                                  region_id=department.region_id, industry_ids=industry_subtree_ids(codes),
                                  level=department.region.level)


def subject_of(record) -> Subject:
    """The subject of a record about a unit (an agreement, an assessment)."""
    if record.department_id:
        return department_subject(record.department)
    return region_subject(record.region)


def top_region(user) -> Region | None:
    """The top of the user's jurisdiction (None for a system administrator: every province)."""
    scope = scope_of(user)
    if scope.kind == ALL:
        return None
    if scope.kind == NONE:
        raise Http404(_("Your jurisdiction is not configured."))
    path = scope.path if scope.kind == REGION else scope.fallback_path
    return Region.objects.filter(path=path).first()


def resolve_unit(user, *, region: str | None = None, department: str | None = None) -> tuple[Subject, Any]:
    """The unit a request asks about: a department (``department`` id), a region (``region``
    code), else the top of the user's jurisdiction. Answers (subject, the row); a unit the user
    may not see is Http404, as a missing one."""
    if department:
        try:
            pk = int(str(department))
        except ValueError:
            raise Http404(_("No such department in your jurisdiction.")) from None
        row = (Department.objects.for_user(user).select_related("region").prefetch_related("industries")
               .filter(pk=pk).first())
        if row is None:
            raise Http404(_("No such department in your jurisdiction."))
        return department_subject(row, [i.code for i in row.industries.all()]), row
    if region:
        row = Region.objects.for_user(user).filter(code=str(region).strip()).first()
        if row is None:
            raise Http404(_("No such region in your jurisdiction."))
        return region_subject(row), row
    row = top_region(user)
    if row is None:
        row = Region.objects.filter(parent__isnull=True, is_voided=False).order_by("path").first()
        if row is None:
            raise Http404(_("No region has been set up yet."))
    return region_subject(row), row


def child_regions(user, region: Region) -> list[Region]:
    """The regions directly below ``region`` that the user may see, in code order."""
    return list(Region.objects.for_user(user).filter(parent=region).order_by("path"))


def ancestors(user, region: Region) -> list[Region]:
    """The regions above ``region`` that lie in the user's jurisdiction, top first (for the
    breadcrumbs): one query (a region's path is the codes of its ancestors)."""
    codes = [region.path[i:i + CODE_LENGTH] for i in range(0, len(region.path) - CODE_LENGTH, CODE_LENGTH)]
    if not codes:
        return []
    found = {r.code: r for r in Region.objects.for_user(user).filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


# --- targets --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A target that applies to a unit: the figure, and where it comes from ("agreement": the
    unit's target-responsibility agreement; "standard": the indicator standard)."""

    value: Decimal
    source: str
    basis: str = ""


def standards() -> dict[str, IndicatorStandard]:
    return {s.indicator: s for s in IndicatorStandard.objects.all()}


def targets_for(user, subjects: Sequence[Subject], year: int, *, signed_only: bool = True,
                with_standards: bool = True) -> dict[str, dict[str, Target]]:
    """{subject key: {indicator code: Target}} for ``year``: the unit's agreement (signed, unless
    ``signed_only`` is False) first, then the indicator standards. Two queries."""
    out: dict[str, dict[str, Target]] = {s.key: {} for s in subjects}
    if with_standards:
        for code, std in standards().items():
            for s in subjects:
                out[s.key][code] = Target(std.target, "standard", std.basis)
    region_ids = {s.region_id: s.key for s in subjects if s.kind == indicators.REGION and s.region_id}
    dept_ids = {int(s.key[1:]): s.key for s in subjects if s.kind == indicators.DEPARTMENT}
    items = TargetItem.objects.for_user(user).filter(agreement__year=year, agreement__is_voided=False)
    if signed_only:
        items = items.filter(agreement__state=AgreementState.SIGNED)
    items = items.filter(Q(agreement__region_id__in=list(region_ids)) | Q(agreement__department_id__in=list(dept_ids)))
    for region_id, dept_id, code, target in items.values_list("agreement__region_id", "agreement__department_id",
                                                              "indicator", "target"):
        key = dept_ids.get(dept_id) if dept_id else region_ids.get(region_id)
        if key:
            out[key][code] = Target(target, "agreement")
    return out


# --- the table of one unit ------------------------------------------------------------------------


@dataclass
class Row:
    """One indicator's line for one unit: its figure, target and whether the target is met."""

    indicator: Indicator
    value: Value
    target: Target | None = None

    @property
    def met(self) -> bool | None:
        return self.indicator.meets(self.value.value, self.target.value if self.target else None)

    @property
    def progress(self) -> Decimal | None:
        """The figure as a share of a positive target when higher is better (for a bar), else None."""
        if (self.indicator.direction != indicators.HIGHER or self.indicator.unit == indicators.Unit.VERDICT
                or not self.target or self.value.value is None):
            return None
        if self.target.value <= 0:
            return None
        return min(Decimal(100), self.value.value * 100 / self.target.value).quantize(Decimal("1"))

    def as_dict(self) -> dict[str, Any]:
        return {"indicator": self.indicator.code, "name": str(self.indicator.name), "unit": self.indicator.unit,
                "direction": self.indicator.direction, **self.value.as_dict(),
                "target": None if self.target is None else float(self.target.value),
                "target_source": None if self.target is None else self.target.source, "met": self.met}


@dataclass
class Group:
    code: str
    label: str
    rows: list[Row] = field(default_factory=list)


def group_label(code: str) -> str:
    """The heading of an indicator group: the name of the app that declares it (its group is the
    app's label), so an app that adds indicators needs no heading here."""
    from django.apps import apps

    try:
        return str(apps.get_app_config(code).verbose_name)
    except LookupError:
        return str(gettext_lazy("Other indicators"))


def indicator_table(user, subject: Subject, period: Period, *, codes: Sequence[str] | None = None,
                    today: date | None = None) -> list[Row]:
    """Every indicator (or ``codes``) for one unit over ``period``, with the target of the
    period's year."""
    chosen = [indicators.get(c) for c in codes] if codes else indicators.all_indicators()
    chosen = [i for i in chosen if i is not None]
    values = indicators.evaluate(chosen, user, [subject], period, today=today)
    targets = targets_for(user, [subject], period.last_day.year)[subject.key]
    return [Row(i, values[i.code][subject.key], targets.get(i.code)) for i in chosen]


def grouped(rows: Sequence[Row]) -> list[Group]:
    groups: dict[str, Group] = {}
    for row in rows:
        code = row.indicator.group
        groups.setdefault(code, Group(code, group_label(code))).rows.append(row)
    return list(groups.values())


@dataclass
class BreakdownLine:
    subject: Subject
    row: Row
    is_total: bool = False


def breakdown(user, indicator: Indicator, subject: Subject, region: Region | None, period: Period, *,
              today: date | None = None, children: Sequence[Region] | None = None) -> list[BreakdownLine]:
    """One indicator for a region and each region directly below it the user may see (the total
    first), in one evaluation; each line with the target that applies to it. ``children`` when
    the caller has read them already."""
    if region is None or subject.kind != indicators.REGION:
        children = []
    elif children is None:
        children = child_regions(user, region)
    children = [region_subject(r) for r in children]
    subjects = [subject, *children]
    values = indicators.evaluate([indicator], user, subjects, period, today=today)[indicator.code]
    targets = targets_for(user, subjects, period.last_day.year)
    return [BreakdownLine(s, Row(indicator, values[s.key], targets[s.key].get(indicator.code)), is_total=i == 0)
            for i, s in enumerate(subjects)]


# --- ranks ----------------------------------------------------------------------------------------


def competition_ranks(scores: Sequence[tuple[Any, Decimal | None]]) -> dict[Any, int | None]:
    """Standard competition ranking ("1224"): the highest score is 1, equal scores share a rank and
    the next rank skips as many places as shared it. A unit without a score has no rank."""
    ranked = sorted(((k, s) for k, s in scores if s is not None), key=lambda ks: ks[1], reverse=True)
    out: dict[Any, int | None] = {k: None for k, s in scores if s is None}
    previous, rank = None, 0
    for position, (key, score) in enumerate(ranked, start=1):
        if score != previous:
            rank, previous = position, score
        out[key] = rank
    return out


def agreements_with_items(qs):
    return qs.select_related("region", "department", "issuer").prefetch_related(
        Prefetch("items", queryset=TargetItem.objects.order_by("id")))


def agreement_progress(user, agreement: TargetAgreement, *, today: date | None = None) -> list[Row]:
    """Each target of an agreement against the unit's figure of the year to date."""
    subject = subject_of(agreement)
    items = list(agreement.items.all())
    codes = [i.indicator for i in items if indicators.get(i.indicator)]
    period = Period.year(agreement.year, today)
    values = indicators.evaluate(codes, user, [subject], period, today=today)
    rows = []
    for item in items:
        indicator = indicators.get(item.indicator)
        if indicator is None:
            continue
        rows.append(Row(indicator, values[item.indicator][subject.key], Target(item.target, "agreement")))
    return rows
