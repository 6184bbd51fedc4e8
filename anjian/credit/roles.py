"""What each role may change in the credit app; merged into anjian.orgs.roles.ROLE_PERMISSIONS.

Credit records, listings and joint punishment notices are the regulators' (and the industry
officers', for their industries): they enter and confirm records, propose and decide listings and
issue notices (the services decide per record and jurisdiction, ``policy.py``). Enterprises and
everyone else read through scoping. The delete permissions are DELETE in the API, which voids."""

from anjian.orgs.choices import Role

MANAGE = [
    "credit.add_creditrecord", "credit.change_creditrecord", "credit.delete_creditrecord",
    "credit.add_blacklisting", "credit.change_blacklisting", "credit.decide_blacklisting",
    "credit.add_jointnotice", "credit.change_jointnotice", "credit.delete_jointnotice",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.REGULATOR: MANAGE,
    Role.INDUSTRY_OFFICER: MANAGE,
}
