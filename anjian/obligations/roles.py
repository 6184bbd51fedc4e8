"""What each role may change in the obligations app; merged into anjian.orgs.roles.ROLE_PERMISSIONS.
Keys are roles (anjian.orgs.choices.Role), values lists of "app_label.codename".

The enterprise keeps its own licences, people and certificates; the regulators and industry
officers may enter them too and alone verify them (the services decide per record and
jurisdiction, ``policy.py``). Everyone else reads through scoping."""

from anjian.orgs.choices import Role

KEEP = [
    "obligations.add_licence", "obligations.change_licence", "obligations.delete_licence",
    "obligations.add_keyperson", "obligations.change_keyperson", "obligations.delete_keyperson",
    "obligations.add_personcertificate", "obligations.change_personcertificate",
    "obligations.delete_personcertificate",
    "obligations.add_standardisation", "obligations.change_standardisation", "obligations.delete_standardisation",
    "obligations.add_safetyorganisation", "obligations.change_safetyorganisation",
    "obligations.delete_safetyorganisation",
    "obligations.add_commitment", "obligations.change_commitment", "obligations.delete_commitment",
]
VERIFY = ["obligations.verify_licence", "obligations.verify_keyperson", "obligations.verify_standardisation",
          "obligations.verify_safetyorganisation", "obligations.draw_spotcheck"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.REGULATOR: [*KEEP, *VERIFY],
    Role.INDUSTRY_OFFICER: [*KEEP, *VERIFY],
    Role.ENTERPRISE: KEEP,
}
