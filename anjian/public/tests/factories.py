"""Tips for tests, made through the services (as the product makes them)."""

from __future__ import annotations

import itertools
from decimal import Decimal

from anjian.orgs.choices import Role
from anjian.public import services
from anjian.public.models import RewardScale, Tip

_seq = itertools.count(1)
IDENTITY = {"reporter_name": "举报人甲", "reporter_phone": "13912345678", "reporter_email": "jubao@example.cn",
            "reporter_id_number": "11010519491231002X"}


def tip(world, *, enterprise=None, anonymous: bool = False, **data) -> tuple[Tip, str]:
    """A tip about ``enterprise`` (ent_a by default), real-name unless told; answers (tip, secret)."""
    ent = enterprise or world.ent_a
    fields = {"kind": "hazard", "description": data.pop("description", f"消防通道堵塞，灭火器过期，第{next(_seq)}处。"),
              "region": ent.region, "address": "测试路1号", "unit_name": ent.name, "enterprise": ent,
              "is_anonymous": anonymous, **({} if anonymous else IDENTITY), **data}
    return services.submit_tip(data=fields)


def confirmed(world, **kwargs) -> Tip:
    reg = world.users[Role.REGULATOR]
    found, _secret = tip(world, **kwargs)
    found = services.accept_tip(found, actor=reg)
    return services.verify_tip(found, actor=reg, confirmed=True, outcome="举报属实")


def reward(world, found: Tip | None = None):
    found = found or confirmed(world)
    return services.propose_reward(found, actor=world.users[Role.REGULATOR],
                                   scale=RewardScale.objects.get(code="hazard_share"), fine_yuan=Decimal("100000"))


def walk_records(world, ent) -> dict:
    """One record of every model the public routes name, for the route walk
    (portal/tests/test_scoping_walk.py): the tips are real-name (the identity page is reachable)."""
    from anjian.hazards.models import ListedSupervision

    found = confirmed(world, enterprise=ent)
    made = {"public.Tip": found, "public.Reward": reward(world, found)}
    listing = ListedSupervision.objects.filter(enterprise=ent).first()
    if listing is not None:
        made["hazards.ListedSupervision"] = listing
        made["public.ListingPublication"] = services.publish_listing(listing, actor=world.users[Role.ADMIN])
    return made
