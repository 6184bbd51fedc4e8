"""What each role may change in the occupational-health app; merged into
anjian.orgs.roles.ROLE_PERMISSIONS. Keys are roles (anjian.orgs.choices.Role), values lists of
"app_label.codename".

The enterprise keeps its own records and submits its declarations; the regulators and industry
officers may enter records too and alone accept or return declarations (``policy.py``). Everyone
else reads through scoping."""

from anjian.orgs.choices import Role

MODELS = ("exposure", "declaration", "detection", "examination", "training", "protectiveissue")
KEEP = [f"occupational.{verb}_{model}" for model in MODELS for verb in ("add", "change", "delete")]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.REGULATOR: [*KEEP, "occupational.accept_declaration"],
    Role.INDUSTRY_OFFICER: [*KEEP, "occupational.accept_declaration"],
    Role.ENTERPRISE: KEEP,
}
