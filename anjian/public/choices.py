"""Choice sets of the public app and its state machines, declared once as data (``core.workflow``):
the services take these steps, the pages' buttons and the API's ``available_actions`` read them.

- a tip (举报) is *received* from the public form, routed to a department, *accepted* (the
  verification deadline starts) or *rejected* with the reason; an accepted tip is verified as
  *confirmed* or *unfounded*; a confirmed tip becomes a hazard or an enforcement case in one step;
- a reward (举报奖励) is *proposed* with its amount (computed from the ``RewardScale`` rows),
  *approved* or *declined*, and *paid* with the payment record;
- a listed hazard's publication (挂牌督办公开) is *published* until withdrawn or expired."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.workflow import Guard, StateMachine, Step

from . import events


class Certainty(models.TextChoices):
    """How sure a reference row is of its source."""

    CONFIRMED = "confirmed", _("Confirmed in the text")
    UNCONFIRMED = "unconfirmed", _("Unconfirmed: check the official text")


class TipKind(models.TextChoices):
    HAZARD = "hazard", _("Accident hazard")
    VIOLATION = "violation", _("Illegal production or violation")
    CONCEALMENT = "concealment", _("Concealed or falsely reported accident")


class TipState(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("tip", "Received")
    ACCEPTED = "accepted", pgettext_lazy("tip", "Accepted, being verified")
    REJECTED = "rejected", pgettext_lazy("tip", "Not accepted")
    CONFIRMED = "confirmed", pgettext_lazy("tip", "Verified as true")
    UNFOUNDED = "unfounded", pgettext_lazy("tip", "Verified as unfounded")


#: The states a submitter reads as "closed" (the tracking page says so).
TIP_FINISHED = (TipState.REJECTED, TipState.CONFIRMED, TipState.UNFOUNDED)


class Parameter(models.TextChoices):
    """The numbers of the tip scheme (``TipParameter`` rows), looked up by code."""

    VERIFY_DAYS = "verify_days", _("Days to verify an accepted tip")
    EXTENSION_DAYS = "extension_days", _("Most days a verification may be extended")
    FEEDBACK_DAYS = "feedback_days", _("Days to tell the submitter the result")
    TIPS_PER_HOUR_ADDRESS = "tips_per_hour_address", _("Tips per hour from one address")
    TIPS_PER_DAY_DEVICE = "tips_per_day_device", _("Tips per day from one device")
    LOOKUPS_PER_HOUR = "lookups_per_hour", _("Tracking look-ups per hour from one address")
    DUPLICATE_DAYS = "duplicate_days", _("Days within which the same tip is a duplicate")
    PUBLICATION_DAYS = "publication_days", _("Days a listed hazard stays published")


class RewardBasis(models.TextChoices):
    """How a reward is computed (安监总财〔2018〕19号)."""

    PENALTY_SHARE = "penalty_share", _("Share of the administrative fine")
    PER_DEATH = "per_death", _("Per concealed death")
    FIXED = "fixed", _("Fixed amount")


class RewardState(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("reward", "Proposed")
    APPROVED = "approved", pgettext_lazy("reward", "Approved")
    DECLINED = "declined", pgettext_lazy("reward", "Declined")
    PAID = "paid", pgettext_lazy("reward", "Paid")


class PublicationState(models.TextChoices):
    PUBLISHED = "published", pgettext_lazy("publication", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("publication", "Withdrawn")


class AccessChannel(models.TextChoices):
    PAGE = "page", _("Page")
    API = "api", _("API")


def _no_hazard(tip) -> bool:
    return tip.hazard_id is None


def _no_case(tip) -> bool:
    return tip.case_id is None


def _names_enterprise(tip) -> bool:
    return tip.enterprise_id is not None


def _not_extended(tip) -> bool:
    return not tip.extended


TIP_MACHINE = StateMachine(model="public.Tip", states=TipState, steps=[
    Step("route", pgettext_lazy("tip", "Route to a department"), sources=(TipState.RECEIVED, TipState.ACCEPTED),
         right="handle", event=events.TIP_ROUTED),
    Step("accept", pgettext_lazy("tip", "Accept"), sources=(TipState.RECEIVED,), target=TipState.ACCEPTED,
         right="handle", event=events.TIP_ACCEPTED),
    Step("reject", pgettext_lazy("tip", "Do not accept"), sources=(TipState.RECEIVED,), target=TipState.REJECTED,
         right="handle", event=events.TIP_REJECTED),
    Step("extend", pgettext_lazy("tip", "Extend the verification"), sources=(TipState.ACCEPTED,), right="handle",
         event=events.TIP_EXTENDED,
         guards=(Guard(_not_extended, _("The verification was already extended once."), field="verify_due"),)),
    Step("confirm", pgettext_lazy("tip", "Verified as true"), sources=(TipState.ACCEPTED,),
         target=TipState.CONFIRMED, right="handle", event=events.TIP_CONFIRMED),
    Step("unfound", pgettext_lazy("tip", "Verified as unfounded"), sources=(TipState.ACCEPTED,),
         target=TipState.UNFOUNDED, right="handle", event=events.TIP_UNFOUNDED),
    Step("to_hazard", pgettext_lazy("tip", "Raise a hazard"), sources=(TipState.CONFIRMED,), right="handle",
         event=events.TIP_TO_HAZARD,
         guards=(Guard(_no_hazard, _("A hazard was already raised from this tip."), field="hazard"),
                 Guard(_names_enterprise, _("Name the enterprise of the tip first."), field="enterprise"))),
    Step("to_case", pgettext_lazy("tip", "Open a case"), sources=(TipState.CONFIRMED,), right="handle",
         event=events.TIP_TO_CASE,
         guards=(Guard(_no_case, _("A case was already opened from this tip."), field="case"),
                 Guard(_names_enterprise, _("Name the enterprise of the tip first."), field="enterprise"))),
    Step("void", pgettext_lazy("tip", "Void"), sources=(TipState.RECEIVED, TipState.REJECTED), right="handle",
         event=events.VOIDED),
])


REWARD_MACHINE = StateMachine(model="public.Reward", states=RewardState, steps=[
    Step("approve", pgettext_lazy("reward", "Approve"), sources=(RewardState.PROPOSED,),
         target=RewardState.APPROVED, right="approve", event=events.REWARD_APPROVED),
    Step("decline", pgettext_lazy("reward", "Decline"), sources=(RewardState.PROPOSED,),
         target=RewardState.DECLINED, right="approve", event=events.REWARD_DECLINED),
    Step("pay", pgettext_lazy("reward", "Record the payment"), sources=(RewardState.APPROVED,),
         target=RewardState.PAID, right="handle", event=events.REWARD_PAID),
])


PUBLICATION_MACHINE = StateMachine(model="public.ListingPublication", states=PublicationState, steps=[
    Step("withdraw", pgettext_lazy("publication", "Withdraw"), sources=(PublicationState.PUBLISHED,),
         target=PublicationState.WITHDRAWN, right="publish", event=events.LISTING_WITHDRAWN),
])
