"""What each role may change in the enterprise registry; merged into anjian.orgs.roles.ROLE_PERMISSIONS.
Keys are roles (anjian.orgs.choices.Role), values lists of "app_label.codename".

Regulators and industry-department officers register, change, import and change the status of
enterprises and assign their supervision (regulators alone void them); grid officers register
and correct the enterprises of their grid; an enterprise user corrects its own record."""

from anjian.orgs.choices import Role

REGISTER = ["enterprises.add_enterprise", "enterprises.change_enterprise"]
SUPERVISE = [*REGISTER, "enterprises.import_enterprise", "enterprises.change_status_enterprise",
             "enterprises.add_supervision", "enterprises.change_supervision"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.REGULATOR: [*SUPERVISE, "enterprises.delete_enterprise"],
    Role.INDUSTRY_OFFICER: list(SUPERVISE),
    Role.GRID_OFFICER: list(REGISTER),
    Role.ENTERPRISE: ["enterprises.change_enterprise"],
}
