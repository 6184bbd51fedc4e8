"""What each role may change in the committee office's records; merged into
``anjian.orgs.roles.ROLE_PERMISSIONS``. Keys are roles, values lists of "app_label.codename".

The committee office writes the committee's records (units, reports' review, …); lower
governments and departments file what they owe (their monthly report), which is why the
regulator and industry-department roles may change monthly reports. The services then decide
per record (``policy``): a unit's own people, or the office of its committee."""

from anjian.orgs.choices import Role

FILING = [
    "steering.change_monthlyreport",
    "steering.change_tourfinding",  # a toured unit reports its rectifications
    "steering.add_progressreport",  # a unit reports progress on its part of a task
    "steering.change_summons",  # a summoned unit reports its rectification
]
OFFICE = [
    "steering.add_unit", "steering.change_unit", "steering.delete_unit",
    *FILING, "steering.review_monthlyreport", "steering.delete_monthlyreport",
    "steering.add_tour", "steering.change_tour", "steering.delete_tour",
    "steering.add_tourfinding", "steering.close_tourfinding", "steering.delete_tourfinding",
    "steering.add_plan", "steering.change_plan", "steering.delete_plan",
    "steering.add_plantask", "steering.change_plantask", "steering.delete_plantask",
    "steering.delete_progressreport",
    "steering.add_duty", "steering.change_duty", "steering.delete_duty",
    "steering.add_campaign", "steering.change_campaign", "steering.delete_campaign",
    "steering.add_summons", "steering.delete_summons",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.COMMITTEE_OFFICE: OFFICE,
    Role.REGULATOR: list(FILING),
    Role.INDUSTRY_OFFICER: list(FILING),
}
