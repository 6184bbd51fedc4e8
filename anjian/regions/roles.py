"""What each role may change in regions; merged into anjian.orgs.roles.ROLE_PERMISSIONS.
Keys are roles (anjian.orgs.choices.Role), values lists of "app_label.codename".

Regions and grids are changed by administrators (and the region import); the committee office
enters the yearly GDP and employment figures behind the accident rates."""

from anjian.orgs.choices import Role

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.COMMITTEE_OFFICE: ["regions.add_regionyearfigure", "regions.change_regionyearfigure",
                            "regions.delete_regionyearfigure"],
}
