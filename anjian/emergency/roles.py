"""What each role may change in the emergency app; merged into anjian.orgs.roles.ROLE_PERMISSIONS.

An enterprise keeps its own preparedness (plans, drills, disposal cards, its teams and supplies);
the regulator-side officers may enter the same for the enterprises of their jurisdiction, keep the
region's teams and supplies, accept or return plan filings and keep the 24-hour duty. The services
decide per record and jurisdiction (``policy.py``). The delete permissions are DELETE in the API,
which voids."""

from anjian.orgs.choices import Role

OWN = [
    f"emergency.{verb}_{model}"
    for model in ("emergencyplan", "drill", "rescueteam", "supply", "disposalcard")
    for verb in ("add", "change", "delete")
]
REGULATOR = [*OWN, "emergency.review_emergencyplan", "emergency.keep_duty",
             *[f"emergency.{verb}_{model}" for model in ("dutyshift", "dutylogentry") for verb in ("add", "change",
                                                                                                    "delete")]]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.REGULATOR: REGULATOR,
    Role.INDUSTRY_OFFICER: REGULATOR,
    Role.ENTERPRISE: OWN,
}
