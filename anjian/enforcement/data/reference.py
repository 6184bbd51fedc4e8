"""Reference data of the enforcement app, loaded by its migrations and editable by administrators
afterwards (the loader creates missing rows and never changes existing ones).

Every row says where it comes from and how sure that is (``certainty``): a value we could not find
in an official text is marked unconfirmed and is the bureau's to set."""

from __future__ import annotations

from django.db import models

# --- differentiated supervision: visits added to the base frequency of the risk grade ---------------
# The direction is policy (seed: "把条件差、问题多、风险高以及发生生产安全事故的企业作为重点，增加执法
# 检查频次", and 《安全生产法》(2021) 第七十八条 on "加大执法检查频次" for offenders); no national text
# gives the numbers, so they are example defaults, marked unconfirmed.
UPLIFT_SOURCE = ("地方工作要点：对条件差、问题多、风险高以及发生生产安全事故的企业增加执法检查频次；"
                 "《中华人民共和国安全生产法》（2021）第七十八条：对存在失信行为的生产经营单位加大执法检查频次。"
                 "次数为本平台示例默认值，未见全国统一规定，由监管部门确定。")
UPLIFTS = [
    ("open_major_hazard", 2),
    ("accident_last_year", 2),
    ("case_last_year", 1),
]
# Credit (anjian.credit): the memorandum's first measure against untrustworthy enterprises is "加大执法
# 检查频次" (发改财金〔2016〕1001号 二、(一)1); the green channel's fewer visits follow local work points
# ("对诚实守信企业开辟绿色通道…对失信企业加强执法检查的力度"). Numbers are example defaults.
CREDIT_UPLIFT_SOURCE = ("《关于对安全生产领域失信生产经营单位及其有关人员开展联合惩戒的合作备忘录》（发改财金〔2016〕1001号）"
                        "二、（一）1：加大执法检查频次；地方工作要点：对诚实守信企业开辟“绿色通道”，对失信企业加强执法检查"
                        "力度。次数为本平台示例默认值，未见全国统一规定，由监管部门确定。")
CREDIT_UPLIFTS = [
    ("blacklisted", 2),
    ("poor_credit", 1),
    ("green_channel", -1),
]


def load(apps) -> None:
    """Create the missing reference rows (idempotent; never changes existing ones)."""
    Uplift = apps.get_model("enforcement", "FrequencyUplift")
    for factor, extra in UPLIFTS:
        Uplift.objects.get_or_create(factor=factor, defaults={"extra_visits": extra, "source": UPLIFT_SOURCE,
                                                              "certainty": "unconfirmed"})
    if isinstance(Uplift._meta.get_field("extra_visits"), models.PositiveSmallIntegerField):
        return  # before 0007_credit_uplifts: the credit rows (one negative) come with that migration
    for factor, extra in CREDIT_UPLIFTS:
        Uplift.objects.get_or_create(factor=factor, defaults={"extra_visits": extra, "source": CREDIT_UPLIFT_SOURCE,
                                                              "certainty": "unconfirmed"})
