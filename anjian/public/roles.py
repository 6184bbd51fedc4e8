"""What each role may change in the public app; merged into anjian.orgs.roles.ROLE_PERMISSIONS.

The regulator's officers handle tips, approve rewards, publish listed hazards and read the
submitter's identity (the narrower ``view_tip_identity``, which a deployment may take away from
officers who only verify). Industry-department officers handle and verify the tips routed to them
but do not read identities nor approve rewards. Everyone else in the region reads tips without
the identity through scoping."""

from anjian.orgs.choices import Role

HANDLE = ["public.change_tip", "public.handle_tip", "public.add_reward", "public.change_reward"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.REGULATOR: [*HANDLE, "public.view_tip_identity", "public.approve_reward", "public.publish_listing",
                     "public.add_listingpublication", "public.change_listingpublication"],
    Role.INDUSTRY_OFFICER: HANDLE,
}
