"""What each role may change in this app; merged into anjian.orgs.roles.ROLE_PERMISSIONS.

Enterprise users manage their own sources' sensors and respond to their alarms; regulators and
industry-department officers those in their jurisdiction (the services check which); everyone
else reads through scoping."""

from anjian.orgs.choices import Role

MANAGE = [
    "monitoring.add_sensor", "monitoring.change_sensor", "monitoring.delete_sensor",
    "monitoring.change_monitoredsource", "monitoring.change_alarm",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.REGULATOR: MANAGE,
    Role.INDUSTRY_OFFICER: MANAGE,
    Role.ENTERPRISE: MANAGE,
}
