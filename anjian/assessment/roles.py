"""What each role may change in this app; merged into anjian.orgs.roles.ROLE_PERMISSIONS.
Keys are roles (anjian.orgs.choices.Role), values lists of "app_label.codename".

The committee office (安委办) draws up target agreements, keeps schemes, assesses and publishes;
regulators and industry-department officers submit their own region's or department's
self-assessment (the policy decides which). Everyone reads through scoping."""

from anjian.orgs.choices import Role

OFFICE = [
    "assessment.add_targetagreement", "assessment.change_targetagreement", "assessment.delete_targetagreement",
    "assessment.add_assessmentscheme", "assessment.change_assessmentscheme", "assessment.delete_assessmentscheme",
    "assessment.change_assessmentround", "assessment.change_assessment",
]
SELF_ASSESSMENT = ["assessment.change_assessment"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.COMMITTEE_OFFICE: OFFICE,
    Role.REGULATOR: SELF_ASSESSMENT,
    Role.INDUSTRY_OFFICER: SELF_ASSESSMENT,
}
