"""What each role may change in this app; merged into anjian.orgs.roles.ROLE_PERMISSIONS.
Keys are roles (anjian.orgs.choices.Role), values lists of "app_label.codename".

Enterprise users manage their own sources; regulators and industry-department officers those in
their jurisdiction (the services check which source); everyone else reads through scoping. The
evaluate calculator needs no permission (any logged-in user)."""

from anjian.orgs.choices import Role

MANAGE = [
    "majorhazards.add_majorhazardsource", "majorhazards.change_majorhazardsource",
    "majorhazards.delete_majorhazardsource", "majorhazards.transition_majorhazardsource",
    "majorhazards.add_sourcesubstance", "majorhazards.change_sourcesubstance",
    "majorhazards.delete_sourcesubstance",
    "majorhazards.add_responsibleperson", "majorhazards.change_responsibleperson",
    "majorhazards.add_responsiblecheck", "majorhazards.delete_responsiblecheck",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.REGULATOR: MANAGE,
    Role.INDUSTRY_OFFICER: MANAGE,
    Role.ENTERPRISE: MANAGE,
}
