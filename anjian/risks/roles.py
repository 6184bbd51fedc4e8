"""What each role may change in this app; merged into anjian.orgs.roles.ROLE_PERMISSIONS.
Keys are roles (anjian.orgs.choices.Role), values lists of "app_label.codename".
Reading is scoping; the services also check that the enterprise is the actor's own (enterprise
users) or in their jurisdiction (regulators, industry officers)."""

from anjian.orgs.choices import Role

RISK_POINTS = ["risks.add_riskpoint", "risks.change_riskpoint", "risks.delete_riskpoint",
               "risks.add_riskassessment", "risks.add_controlmeasure", "risks.change_controlmeasure",
               "risks.delete_controlmeasure"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.REGULATOR: [*RISK_POINTS, "risks.change_supervisionfrequency"],
    Role.INDUSTRY_OFFICER: list(RISK_POINTS),
    Role.ENTERPRISE: list(RISK_POINTS),
    # Experts assess risk points in their region (they do not register or change them).
    Role.EXPERT: ["risks.add_riskassessment"],
}
