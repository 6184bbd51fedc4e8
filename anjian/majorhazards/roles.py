"""What each role may change in this app; merged into anjian.orgs.roles.ROLE_PERMISSIONS.
Keys are roles (anjian.orgs.choices.Role), values lists of "app_label.codename"."""

ROLE_PERMISSIONS: dict[str, list[str]] = {}
