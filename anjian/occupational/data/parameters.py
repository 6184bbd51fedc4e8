"""The sourced numbers of occupational health, and the responsible-department setting.

- detection and evaluation cadences: 《工作场所职业卫生管理规定》 (国家卫生健康委员会令第5号, 2020,
  in force 1 February 2021) 第二十条 — where the occupational hazard is serious, a qualified service
  body detects the factors at least once a year and evaluates the current status at least once
  every three years; where it is general, detection at least once every three years (confirmed);
- the change declaration's periods: 《职业病危害项目申报办法》 (原国家安全生产监督管理总局令第48号,
  2012) 第八条 — 30 days from the acceptance of a new, altered or expanded project, 15 days from a
  change of process or materials, of the workplace, name or principal, or from receiving a detection
  or evaluation that found a change; 第九条 — 15 days after operations end (confirmed);
- the examination and training cycles used by the rates (12 months) are ours: the on-post
  examination cycle depends on the factor (GBZ 188), the training cycle on local rules — unconfirmed."""

ORDER5 = "《工作场所职业卫生管理规定》（国家卫生健康委员会令第5号）第二十条"
ORDER48 = "《职业病危害项目申报办法》（原国家安全生产监督管理总局令第48号）第八条"

PARAMETERS = [
    ("detection_years_serious", "职业病危害严重：定期检测周期", 1, "年", f"{ORDER5}第一款", True),
    ("evaluation_years_serious", "职业病危害严重：现状评价周期", 3, "年", f"{ORDER5}第一款", True),
    ("detection_years_general", "职业病危害一般：定期检测周期", 3, "年", f"{ORDER5}第二款", True),
    ("change_days_project", "变更申报期限（建设项目竣工验收后）", 30, "日", f"{ORDER48}第（一）项", True),
    ("change_days_other", "变更申报期限（工艺、场所、负责人变化或检测评价发现变化）", 15, "日",
     f"{ORDER48}第（二）至（四）项", True),
    ("exam_cycle_months", "在岗期间职业健康检查周期（体检率计算用）", 12, "月",
     "本系统取值；在岗检查周期按危害因素而定（GBZ 188），待核对", False),
    ("training_cycle_months", "职业卫生培训周期（培训率计算用）", 12, "月", "本系统取值；待核对地方规定", False),
]


def load(apps, schema_editor=None) -> None:
    """Create the parameters and the one setting row (idempotent)."""
    model = apps.get_model("occupational", "OccupationalParameter")
    for code, name, value, unit, source, confirmed in PARAMETERS:
        model.objects.get_or_create(code=code, defaults={
            "name": name, "value": value, "unit": unit, "source": source,
            "certainty": "confirmed" if confirmed else "unconfirmed"})
    setting = apps.get_model("occupational", "OccupationalSetting")
    if not setting.objects.exists():
        setting.objects.create(responsible="health", note="2018年机构改革后职业卫生监管由卫生健康部门承担；"
                                                          "仍由应急管理部门承担的地区可在此改选")
