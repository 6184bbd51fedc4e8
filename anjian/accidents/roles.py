"""What each role may change in this app; merged into anjian.orgs.roles.ROLE_PERMISSIONS.
Keys are roles (anjian.orgs.choices.Role), values lists of "app_label.codename".

Reading is scoping (the committee office reads everything in its region, changes nothing).
Enterprises report their own accidents and the casualty updates (补报); regulators and
industry-department officers in scope do everything, including the investigation, flags and
accountability (``investigate_accident``)."""

from anjian.orgs.choices import Role

ACCIDENT_REPORTER = ["accidents.add_accident", "accidents.change_accident"]
ACCIDENT_REGULATOR = [*ACCIDENT_REPORTER, "accidents.delete_accident", "accidents.investigate_accident"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.REGULATOR: ACCIDENT_REGULATOR,
    Role.INDUSTRY_OFFICER: ACCIDENT_REGULATOR,
    Role.ENTERPRISE: ACCIDENT_REPORTER,
}
