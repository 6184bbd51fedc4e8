"""The reference data of the tip scheme, loaded by the migration and by ``reference.ensure``.

Sources (paraphrased; the official text is 国家安全监管总局、财政部《安全生产领域举报奖励办法》,
安监总财〔2018〕19号, 2018-01-04, which replaced 安监总财〔2012〕63号):

- rewards for a major accident hazard or illegal production, operation or construction: 15 % of the
  administrative fine, at least 3 000 yuan and at most 300 000 yuan — the amounts and the
  percentage are confirmed by the ministry's announcement of the revision and by provincial
  measures that restate them; the article number is not confirmed here;
- concealed or falsely reported accidents: per verified concealed death 30 000 (ordinary),
  40 000 (relatively serious), 50 000 (serious), 60 000 yuan (particularly serious), at most
  300 000 yuan — confirmed the same way, article number unconfirmed;
- verification within 60 days of acceptance, extendable once by at most 30 days with the approval
  of the next level up: stated in the 2012 measures (安监总财〔2012〕63号 第十一条(六)); that the 2018
  measures keep the same periods is NOT confirmed here;
- telling the submitter the result: within 10 days of the end of the verification in the 2012
  measures (第十条(三)); the 2018 wording is not confirmed here;
- the rate limits, the duplicate window and the publication term are this product's settings,
  not regulatory numbers."""

M2018 = "安监总财〔2018〕19号《安全生产领域举报奖励办法》"
M2012 = "安监总财〔2012〕63号《安全生产举报奖励办法》"

PARAMETERS = [
    ("verify_days", 60, f"{M2012} 第十一条(六): 60日内办结; 2018年办法的条文未核实", "unconfirmed"),
    ("extension_days", 30, f"{M2012} 第十一条(六): 延长不超过30日; 2018年办法的条文未核实", "unconfirmed"),
    ("feedback_days", 10, f"{M2012} 第十条(三): 核查结束后10日内反馈; 2018年办法的条文未核实", "unconfirmed"),
    ("tips_per_hour_address", 5, "本系统的防滥用设置, 非法规数字", "confirmed"),
    ("tips_per_day_device", 10, "本系统的防滥用设置, 非法规数字", "confirmed"),
    ("lookups_per_hour", 30, "本系统的防滥用设置, 非法规数字", "confirmed"),
    ("duplicate_days", 30, "本系统的查重窗口, 非法规数字 (多人多次举报同一事项, 仅奖励最先举报人)", "confirmed"),
    ("publication_days", 365, "本系统的公开期限, 非法规数字", "unconfirmed"),
]

SHARE = f"{M2018}: 按行政处罚金额的15%计算, 最低3000元, 最高不超过30万元 (条文序号未核实)"
DEATH = f"{M2018}: 按最终确认的事故等级和查实的瞒报谎报死亡人数计奖, 最高不超过30万元 (条文序号未核实)"

SCALES = [
    # code, name, kind, basis, percent, amount, min, max, source, certainty, sort
    ("hazard_share", "重大事故隐患：罚款的15%", "hazard", "penalty_share", "15.00", None, 3000, 300000,
     SHARE, "confirmed", 10),
    ("violation_share", "违法生产经营建设：罚款的15%", "violation", "penalty_share", "15.00", None, 3000, 300000,
     SHARE, "confirmed", 20),
    ("concealment_ordinary", "瞒报谎报一般事故：每人3万元", "concealment", "per_death", None, 30000, 0, 300000,
     DEATH, "confirmed", 30),
    ("concealment_relatively_serious", "瞒报谎报较大事故：每人4万元", "concealment", "per_death", None, 40000, 0,
     300000, DEATH, "confirmed", 40),
    ("concealment_serious", "瞒报谎报重大事故：每人5万元", "concealment", "per_death", None, 50000, 0, 300000,
     DEATH, "confirmed", 50),
    ("concealment_particularly_serious", "瞒报谎报特别重大事故：每人6万元", "concealment", "per_death", None, 60000,
     0, 300000, DEATH, "confirmed", 60),
]


def load(apps) -> None:
    """Create the rows that are missing (idempotent: an edited row is left as it is)."""
    from decimal import Decimal

    TipParameter = apps.get_model("public", "TipParameter")
    RewardScale = apps.get_model("public", "RewardScale")
    for code, value, source, certainty in PARAMETERS:
        TipParameter.objects.get_or_create(code=code, defaults={"value": value, "source": source,
                                                                "certainty": certainty})
    for code, name, kind, basis, pct, amount, low, high, source, certainty, sort in SCALES:
        RewardScale.objects.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "basis": basis, "percent": Decimal(pct) if pct else None,
            "amount_yuan": amount, "min_yuan": low, "max_yuan": high, "source": source, "certainty": certainty,
            "sort": sort})


def migrate(apps, schema_editor) -> None:
    load(apps)
