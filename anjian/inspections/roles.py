"""What each role may change in inspections; merged into anjian.orgs.roles.ROLE_PERMISSIONS.
Keys are roles (anjian.orgs.choices.Role), values lists of "app_label.codename".

Inspection records are written by any inspector (regulators, industry officers, grid officers,
experts, the enterprise's own self-inspections); self-inspection duties by the enterprise and
by regulators and industry officers."""

from anjian.orgs.choices import Role

INSPECTION_RECORDS = ["inspections.add_inspectionrecord", "inspections.change_inspectionrecord",
                      "inspections.delete_inspectionrecord"]
INSPECTION_DUTIES = ["inspections.add_inspectionduty", "inspections.change_inspectionduty",
                     "inspections.delete_inspectionduty"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.REGULATOR: [*INSPECTION_RECORDS, *INSPECTION_DUTIES],
    Role.INDUSTRY_OFFICER: [*INSPECTION_RECORDS, *INSPECTION_DUTIES],
    Role.GRID_OFFICER: list(INSPECTION_RECORDS),
    Role.EXPERT: list(INSPECTION_RECORDS),
    Role.ENTERPRISE: [*INSPECTION_RECORDS, *INSPECTION_DUTIES],
}
