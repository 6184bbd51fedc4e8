"""What each role may change in the enforcement app; merged into anjian.orgs.roles.ROLE_PERMISSIONS.
Keys are roles (anjian.orgs.choices.Role), values lists of "app_label.codename".

Enforcement is the regulators' work: officers of the bureau and of the industry departments get
the permissions; the services (``policy.py``) then decide per record, jurisdiction and state
(e.g. certificates are recorded by the bureau's officers only). Everyone else reads through
scoping, or nothing."""

from anjian.orgs.choices import Role

POOL = [
    "enforcement.add_expert", "enforcement.change_expert", "enforcement.delete_expert",
    "enforcement.add_enforcementcertificate", "enforcement.change_enforcementcertificate",
    "enforcement.delete_enforcementcertificate",
    "enforcement.add_conflictdeclaration", "enforcement.change_conflictdeclaration",
    "enforcement.delete_conflictdeclaration",
]

PLANS = ["enforcement.add_enforcementplan", "enforcement.change_enforcementplan",
         "enforcement.delete_enforcementplan"]
APPROVE = ["enforcement.approve_enforcementplan"]

DRAWS = ["enforcement.add_randomdraw", "enforcement.change_randomdraw", "enforcement.delete_randomdraw"]

CASES = ["enforcement.add_case", "enforcement.change_case", "enforcement.delete_case",
         "enforcement.add_admonition", "enforcement.change_admonition", "enforcement.delete_admonition"]
# 法制审核 and the decision itself: the bureau (its legal staff and the heads who sign).
CASE_DECISIONS = ["enforcement.review_case", "enforcement.decide_case"]

INSPECTIONS = ["enforcement.add_enforcementinspection", "enforcement.change_enforcementinspection",
               "enforcement.delete_enforcementinspection", "enforcement.add_compulsorymeasure",
               "enforcement.add_leaderrotation", "enforcement.change_leaderrotation"]

OFFICER = [*POOL, *PLANS, *DRAWS, *CASES, *INSPECTIONS]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.REGULATOR: [*OFFICER, *APPROVE, *CASE_DECISIONS],
    Role.INDUSTRY_OFFICER: OFFICER,
}
