"""What each role may change in the hazard ledger; merged into anjian.orgs.roles.ROLE_PERMISSIONS.
Keys are roles (anjian.orgs.choices.Role), values lists of "app_label.codename".
The services then decide per hazard and state."""

from anjian.orgs.choices import Role

# Finding and reporting hazards (and correcting what one reported).
HAZARD_FINDER = ["hazards.add_hazard", "hazards.change_hazard"]
# Supervising the loop: acceptance of major hazards, listing, notices, voiding.
HAZARD_REGULATOR = [*HAZARD_FINDER, "hazards.delete_hazard", "hazards.transition_hazard", "hazards.list_hazard",
                    "hazards.issue_notice_hazard", "hazards.recheck_hazard"]
# Re-checking (复查) what one's own patrol or expert inspection found (the services decide per hazard).
HAZARD_RECHECKER = ["hazards.recheck_hazard"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.REGULATOR: HAZARD_REGULATOR,
    Role.INDUSTRY_OFFICER: HAZARD_REGULATOR,
    Role.GRID_OFFICER: [*HAZARD_FINDER, *HAZARD_RECHECKER],
    Role.EXPERT: [*HAZARD_FINDER, *HAZARD_RECHECKER],
    # The enterprise rectifies its own hazards (the steps of the loop that are its own).
    Role.ENTERPRISE: [*HAZARD_FINDER, "hazards.transition_hazard"],
}
