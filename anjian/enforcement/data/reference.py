"""Reference data of the enforcement app, loaded by its migrations and editable by administrators
afterwards (the loader creates missing rows and never changes existing ones).

Every row says where it comes from and how sure that is (``certainty``): a value we could not find
in an official text is marked unconfirmed and is the bureau's to set."""

from __future__ import annotations

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


def load(apps) -> None:
    """Create the missing reference rows (idempotent; never changes existing ones)."""
    Uplift = apps.get_model("enforcement", "FrequencyUplift")
    for factor, extra in UPLIFTS:
        Uplift.objects.get_or_create(factor=factor, defaults={"extra_visits": extra, "source": UPLIFT_SOURCE,
                                                              "certainty": "unconfirmed"})
