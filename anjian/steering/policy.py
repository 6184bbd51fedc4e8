"""Who may change what in the committee office's records: ``policy.can(actor, action, obj)``.

Reading is decided by scoping; these rules decide writing.

- **The office** of a committee (安委办) is a user of the committee-office role whose scope region
  is the committee's region. It manages the committee's records: its units, duties, plans and
  tasks, tours, campaigns, circulars and summons; it reviews the monthly reports and closes
  rectifications. The office of a higher committee reads a lower committee's records but does
  not write them.
- **A unit's own people** file what the unit owes: its monthly report, its rectifications after a
  tour, its progress on tasks, its report after a summons. For a lower government they are the
  committee-office and regulator users scoped exactly to its region (the county's own office and
  bureau); for a department, the officers who belong to it (``User.department``). The office may
  file on a unit's behalf (units without accounts: party departments, social organisations).

``obj`` is the record (an unsaved one for a creation: its committee is set), or None ("in
principle", for menus and buttons)."""

from __future__ import annotations

from anjian.core.workflow import Policy
from anjian.orgs.choices import Role

from .choices import UnitKind

#: Roles whose users may belong to a unit: a lower government's office and bureau, a
#: department's officers.
GOVERNMENT_MEMBER_ROLES = frozenset({Role.COMMITTEE_OFFICE, Role.REGULATOR})
DEPARTMENT_MEMBER_ROLES = frozenset({Role.COMMITTEE_OFFICE, Role.REGULATOR, Role.INDUSTRY_OFFICER})
FILING_ROLES = GOVERNMENT_MEMBER_ROLES | DEPARTMENT_MEMBER_ROLES


def is_office(actor, committee_region_id: int | None) -> bool:
    """``actor`` is the office of the committee of that region (None: of some committee)."""
    if getattr(actor, "role", None) != Role.COMMITTEE_OFFICE or not getattr(actor, "scope_region_id", None):
        return False
    return committee_region_id is None or actor.scope_region_id == committee_region_id


def is_member(actor, unit) -> bool:
    """``actor`` works for ``unit`` (see the module docstring)."""
    if unit is None:
        return getattr(actor, "role", None) in FILING_ROLES
    role = getattr(actor, "role", None)
    if unit.kind == UnitKind.LOWER_GOVERNMENT:
        return role in GOVERNMENT_MEMBER_ROLES and unit.region_id is not None and actor.scope_region_id == unit.region_id
    if unit.kind == UnitKind.DEPARTMENT:
        return (role in DEPARTMENT_MEMBER_ROLES and unit.department_id is not None
                and getattr(actor, "department_id", None) == unit.department_id)
    return False


def _committee(obj) -> int | None:
    return getattr(obj, "committee_region_id", None) if obj is not None else None


def _unit(obj):
    """The unit a record is about (itself for a unit)."""
    if obj is None:
        return None
    if getattr(obj, "unit_id", None) is not None:
        return obj.unit
    return None


class SteeringPolicy(Policy):
    aliases = {
        # units
        "create_unit": "manage", "update_unit": "manage",
        "create_tour": "manage", "create_summons": "manage",
        "create_campaign": "manage",
        "create_plan": "manage", "update_plan": "manage", "create_task": "manage",
        "create_duty": "manage", "update_duty": "manage", "import_duties": "manage",
        # monthly reports: the steps of choices.REPORT_MACHINE name "file", "review" and "manage"
    }

    def may_manage(self, actor, obj) -> bool:
        """The office of the record's committee."""
        return is_office(actor, _committee(obj))

    def may_file(self, actor, obj) -> bool:
        """The unit's own people, or the office of its committee."""
        return is_office(actor, _committee(obj)) or is_member(actor, _unit(obj))

    def may_review(self, actor, obj) -> bool:
        """The office of the committee the report is filed with."""
        return is_office(actor, _committee(obj))

    def may_void(self, actor, obj) -> bool:
        return self.may_manage(actor, obj)


policy = SteeringPolicy()
