"""The inspections' part of the enterprise's file (core.dossier): the section "排查检查" of the
enterprise page (recent records, scheduled tasks, self-inspection duties). Counts through
``inspections.selectors`` (scoped by ``for_user``); figures link to the record and task lists
filtered the same way."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.dossier import Figure, Item, ProfileSection, SectionContent, list_url, register_section

from . import selectors
from .choices import InspectionKind, RecordState, TaskState


def build(user, enterprise) -> SectionContent:
    today = timezone.localdate()
    summary = selectors.enterprise_inspection_summary(user, enterprise.pk, today)
    records, tasks, since = summary["records"], summary["tasks"], summary["since"].isoformat()
    record_list = reverse("inspections:list")
    task_list = reverse("inspections:tasks")
    figures = [
        Figure(_("Inspections in the last 30 days"), records["recent"],
               list_url(record_list, enterprise=enterprise.pk, date_from=since)),
        *[Figure(label, records[f"recent_{kind}"], list_url(record_list, enterprise=enterprise.pk, kind=kind,
                                                           date_from=since))
          for kind, label in InspectionKind.choices],
        Figure(_("Open tasks"), tasks["open"], list_url(task_list, enterprise=enterprise.pk, state=TaskState.OPEN.value)),
        Figure(_("Overdue tasks"), tasks["overdue"],
               list_url(task_list, enterprise=enterprise.pk, state=TaskState.OPEN.value,
                        due_before=(today - timedelta(days=1)).isoformat()),
               "risk" if tasks["overdue"] else ""),
        Figure(_("Missed in the last 30 days"), tasks["missed"],
               list_url(task_list, enterprise=enterprise.pk, state=TaskState.MISSED.value, due_after=since),
               "warn" if tasks["missed"] else ""),
        Figure(_("Self-inspection duties in force"), summary["duties"],
               list_url(reverse("inspections:duties"), enterprise=enterprise.pk, active="true")),
        Figure(_("All inspection records"), records["total"], list_url(record_list, enterprise=enterprise.pk)),
    ]
    items = [Item(text=f"{r.get_kind_display()} · {timezone.localtime(r.inspected_at):%Y-%m-%d}",
                  url=reverse("inspections:detail", args=[r.pk]),
                  meta=r.inspector_names or (r.inspector.name if r.inspector else "") or r.location,
                  badge=r.get_state_display() if r.state == RecordState.DRAFT else "", tone="muted")
             for r in summary["latest"]]
    links = [(_("Inspection records"), list_url(record_list, enterprise=enterprise.pk)),
             (_("Self-inspection duties"), reverse("inspections:enterprise_duties", args=[enterprise.pk]))]
    if user.has_perm("inspections.add_inspectionrecord"):
        links.append((_("New inspection"), list_url(reverse("inspections:create"), enterprise=enterprise.pk)))
    return SectionContent(figures=figures, items=items, links=links, empty=_("No inspection is recorded."))


register_section(ProfileSection(code="inspections", title=gettext_lazy("Inspections"), order=50, build=build))
