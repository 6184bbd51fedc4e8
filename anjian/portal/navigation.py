"""The side menu: which pages each role sees. Items are (label, url name, required permission or None)."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MENU = [
    (_("Overview"), "home", None, None),
    (_("Enterprises"), "enterprises:list", None, None),
    (_("Supervision blind spots"), "enterprises:blind_spots", None, "regional"),
    (_("Import enterprises"), "enterprises:import", "enterprises.import_enterprise", None),
    (_("Warnings"), "warnings:inbox", None, None),
    (_("Hazard ledger"), "hazards:list", None, None),
    (_("Listed supervision"), "hazards:listings", None, "regional"),
    (_("Hazard statistics"), "hazards:statistics", None, None),
    (_("Enterprise-system API keys"), "hazards:api_keys", "hazards.transition_hazard", None),
    (_("Inspection tasks"), "inspections:tasks", None, None),
    (_("Inspection records"), "inspections:list", None, None),
    (_("Self-inspection duties"), "inspections:duties", None, None),
    (_("Inspection standards"), "standards:list", None, None),
    (_("Risk points"), "risks:list", None, None),
    (_("Risk map"), "risks:map", None, None),
    (_("Major hazard sources"), "majorhazards:list", None, None),
    (_("Online monitoring"), "monitoring:wall", None, None),
    (_("Enforcement"), "enforcement:home", None, "regional"),
    (_("Licences and permits"), "obligations:licences", None, None),
    (_("Training and certificates"), "obligations:persons", None, None),
    (_("Safety standardisation"), "obligations:standardisations", None, None),
    (_("Safety organisation"), "obligations:organisations", None, None),
    (_("Safety commitments"), "obligations:commitments", None, None),
    (_("Safety credit"), "credit:enterprises", None, None),
    (_("List of seriously untrustworthy entities"), "credit:listings", None, "regional"),
    (_("Emergency preparedness"), "emergency:plans", None, None),
    (_("Duty roster"), "emergency:duty_shifts", "emergency.keep_duty", "regional"),
    (_("Occupational health"), "occupational:exposures", None, None),
    (_("Health examinations"), "occupational:examinations", None, None),
    (_("Tips"), "public:tips", None, "regional"),
    (_("Public service"), "public:index", None, None),
    (_("Accidents"), "accidents:list", None, None),
    (_("Accident statistics"), "accidents:statistics", None, "regional"),
    (_("Regional figures"), "accidents:figures", None, "regional"),
    (_("Dashboard"), "assessment:dashboard", None, "regional"),
    (_("Indicators"), "assessment:indicators", None, "regional"),
    (_("Target-responsibility agreements"), "assessment:agreements", None, "regional"),
    (_("Assessment schemes and rankings"), "assessment:schemes", None, "regional"),
    (pgettext_lazy("assessment", "Assessments"), "assessment:assessments", None, "regional"),
    (_("Committee office"), "steering:home", None, "regional"),
    (_("Monthly reports"), "steering:reports", None, "regional"),
    (_("Regions"), "regions:list", None, "regional"),
    (_("Grids"), "regions:grids", None, "regional"),
    (_("Departments"), "orgs:departments", None, "regional"),
    (_("API documentation"), "api-docs", None, "api"),
    (_("Security log"), "security:log", None, "admin"),
    (_("Administration"), "admin:index", None, "admin"),
]


def allowed(user, perm: str | None, audience: str | None) -> bool:
    """Whether ``user`` is offered an entry needing ``perm`` (a permission, or None) for
    ``audience`` ("admin": system administrators; "regional": everyone but enterprise users;
    "api": those who work through the REST API; None: everyone). The menu and the home page's
    actions both ask this, so a role is never offered a page or an action it cannot use."""
    from anjian.orgs.choices import Role

    if perm and not user.has_perm(perm):
        return False
    if audience == "admin" and not user.is_system_admin:
        return False
    # The API's users are the system administrators and the enterprises, whose own systems
    # connect through enterprise-system API keys that act as one of their users
    # (hazards.auth); officers work in the pages, so the API reference is not theirs to read.
    if audience == "api" and not (user.is_system_admin or user.role == Role.ENTERPRISE):
        return False
    return not (audience == "regional" and user.role == Role.ENTERPRISE and not user.is_system_admin)


def menu_for(user, current_path: str) -> list[dict]:
    items = []
    for label, url_name, perm, audience in MENU:
        if not allowed(user, perm, audience):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": False})
    # Only the longest matching URL is active, so /enterprises/blind-spots/ does not also light up /enterprises/.
    matches = [i for i in items if (current_path == i["url"] if i["url"] == "/" else current_path.startswith(i["url"]))]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return items
