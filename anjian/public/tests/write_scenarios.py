"""The public app's write services, each called outside any transaction on PostgreSQL by a scenario
(``portal/tests/test_write_services_postgres.py`` collects this module). County A's regulator
handles; tips are filed by nobody (the public)."""

from __future__ import annotations

from decimal import Decimal

from anjian.portal.testing.write_services import Run, event_actions, photo, scenario
from anjian.public import services
from anjian.public.models import IdentityAccess, ListingPublication, Reward, RewardScale, Tip, TipAddition

# Public functions of public.services that write nothing.
READ_ONLY = {"public.fingerprint", "public.route_department", "public.find_tip", "public.reward_amount"}


def filed(run: Run, **over) -> Tip:
    ent = over.pop("enterprise", None) or run.enterprise()
    tip, _secret = run.call(services.submit_tip, data={
        "kind": "hazard", "description": f"消防通道堵塞 {ent.pk}", "region": ent.region, "address": "测试路1号",
        "unit_name": ent.name, "enterprise": ent, "is_anonymous": False, "reporter_name": "举报人",
        "reporter_phone": "13900000000", **over})
    return tip


def accepted(run: Run) -> Tip:
    return run.call(services.accept_tip, filed(run), actor=run.regulator)


def confirmed(run: Run) -> Tip:
    return run.call(services.verify_tip, accepted(run), actor=run.regulator, confirmed=True, outcome="属实")


def proposed(run: Run) -> Reward:
    return run.call(services.propose_reward, confirmed(run), actor=run.regulator,
                    scale=RewardScale.objects.get(code="hazard_share"), fine_yuan=Decimal("20000"))


@scenario("public.submit_tip")
def _(run: Run):
    tip = filed(run)
    assert Tip.objects.get(pk=tip.pk).state == "received" and event_actions(tip) == ["tip_received"]


@scenario("public.add_information")
def _(run: Run):
    tip = filed(run)
    run.call(services.add_information, tip, text="补充：夜间更严重", files=[photo("a.jpg")])
    assert TipAddition.objects.filter(tip=tip).count() == 1 and "tip_information_added" in event_actions(tip)


@scenario("public.route_tip")
def _(run: Run):
    tip = run.call(services.route_tip, filed(run), actor=run.regulator, department=run.world.dept_a)
    assert Tip.objects.get(pk=tip.pk).department == run.world.dept_a


@scenario("public.accept_tip")
def _(run: Run):
    assert Tip.objects.get(pk=accepted(run).pk).verify_due is not None


@scenario("public.reject_tip")
def _(run: Run):
    tip = run.call(services.reject_tip, filed(run), actor=run.regulator, reason="不属于受理范围")
    assert Tip.objects.get(pk=tip.pk).state == "rejected"


@scenario("public.extend_tip")
def _(run: Run):
    tip = run.call(services.extend_tip, accepted(run), actor=run.regulator, days=10, reason="情况复杂")
    assert Tip.objects.get(pk=tip.pk).extended


@scenario("public.verify_tip")
def _(run: Run):
    assert Tip.objects.get(pk=confirmed(run).pk).state == "confirmed"


@scenario("public.raise_hazard")
def _(run: Run):
    tip = confirmed(run)
    hazard = run.call(services.raise_hazard, tip, actor=run.regulator, grade="general", deadline=run.later)
    assert Tip.objects.get(pk=tip.pk).hazard_id == hazard.pk


@scenario("public.open_case")
def _(run: Run):
    tip = confirmed(run)
    case = run.call(services.open_case, tip, actor=run.regulator)
    assert Tip.objects.get(pk=tip.pk).case_id == case.pk


@scenario("public.void_tip")
def _(run: Run):
    tip = run.call(services.void_tip, filed(run), actor=run.regulator, reason="恶意重复举报")
    assert Tip.objects.get(pk=tip.pk).is_voided


@scenario("public.propose_reward")
def _(run: Run):
    assert Reward.objects.get(pk=proposed(run).pk).amount_yuan == Decimal("3000")


@scenario("public.approve_reward")
def _(run: Run):
    r = run.call(services.approve_reward, proposed(run), actor=run.regulator)
    assert Reward.objects.get(pk=r.pk).state == "approved"


@scenario("public.decline_reward")
def _(run: Run):
    r = run.call(services.decline_reward, proposed(run), actor=run.regulator, reason="不符合条件")
    assert Reward.objects.get(pk=r.pk).state == "declined"


@scenario("public.pay_reward")
def _(run: Run):
    r = run.call(services.approve_reward, proposed(run), actor=run.regulator)
    r = run.call(services.pay_reward, r, actor=run.regulator, paid_on=run.today, reference="JL-PG")
    assert Reward.objects.get(pk=r.pk).state == "paid"


@scenario("public.read_identity")
def _(run: Run):
    tip = filed(run)
    assert run.call(services.read_identity, tip, actor=run.regulator)["reporter_name"] == "举报人"
    assert IdentityAccess.objects.filter(tip=tip).count() == 1


def _listing(run: Run):
    import datetime

    from anjian.hazards import services as hazards
    from anjian.hazards.models import Hazard

    h = hazards.report_hazard(actor=run.regulator, enterprise=run.enterprise(), data={
        "location": "车间", "description": "重大隐患", "grade": "general", "deadline": run.later})
    Hazard.objects.filter(pk=h.pk).update(grade="major")
    h.refresh_from_db()
    return hazards.list_for_supervision(h, actor=run.regulator, deadline=run.today + datetime.timedelta(days=60))


@scenario("public.publish_listing")
def _(run: Run):
    pub = run.call(services.publish_listing, _listing(run), actor=run.regulator)
    assert ListingPublication.objects.get(pk=pub.pk).state == "published"


@scenario("public.withdraw_publication")
def _(run: Run):
    pub = services.publish_listing(_listing(run), actor=run.regulator)
    run.call(services.withdraw_publication, pub, actor=run.regulator, reason="已销号")
    assert ListingPublication.objects.get(pk=pub.pk).state == "withdrawn"
