"""The default targets of the indicators (IndicatorStandard), shipped as reference data (loaded
by migration ``assessment.0002_load_standards``, then edited by administrators in the admin).

Each row says where its number comes from, with the status marks of the project's domain fact
sheet (C2, C, CODE, D, VAR, unconfirmed). The wording is our own. The seed documents are local
plans, not national rules: a row resting on one is an example of what a committee office sets
(certainty "unconfirmed" as a national number), to be changed to the jurisdiction's own.
"""

SUZHOU_2017 = "苏州工业园区2017年安全生产工作要点（种子文档 001）"
CITY_2020 = "某市应急管理局2020年“五大攻坚战”工作报道（种子文档 002）"
DISTRICT_PLAN = "某区安全生产综合治理三年行动工作方案（种子文档 000）"

STANDARDS = [
    {"indicator": "hazard_rectification_rate", "target": "100", "certainty": "unconfirmed",
     "basis": f"{SUZHOU_2017}“有隐患，必整改”；{CITY_2020}“确保存量隐患整改率达到100%”",
     "note": "本地规划以100%为目标；全国统一的整改率目标未见，需按本地责任书修改。"},
    {"indicator": "hazard_on_time_rate", "target": "100", "certainty": "unconfirmed",
     "basis": f"{SUZHOU_2017}二（二）“在规定期限内，完成重大隐患挂牌整改率100%”（按期整改的推广适用）",
     "note": "原文针对挂牌督办的重大隐患；推广到全部隐患的按期整改为本系统的读法。"},
    {"indicator": "major_hazard_rectification_rate", "target": "100", "certainty": "C",
     "basis": f"{SUZHOU_2017}二（二）“完成重大隐患挂牌整改率100%”",
     "note": "地方规划的数值，非全国统一规定。"},
    {"indicator": "stock_hazard_clearance", "target": "100", "certainty": "C",
     "basis": f"{CITY_2020}四“确保存量隐患整改率达到100%”", "note": "地方工作目标。"},
    {"indicator": "listing_on_time_rate", "target": "100", "certainty": "C",
     "basis": f"{SUZHOU_2017}二（二）“在规定期限内，完成重大隐患挂牌整改率100%”", "note": "地方规划的数值。"},
    {"indicator": "listing_done_city", "target": "10", "certainty": "C",
     "basis": f"{SUZHOU_2017}二（二）“苏州市级挂牌督办整改重大隐患10项”",
     "note": "该园区一年的数字（三级共50项：市级10、区级15、街道级25），各地按本地下达的数字修改。"},
    {"indicator": "listing_done_county", "target": "15", "certainty": "C",
     "basis": f"{SUZHOU_2017}二（二）“区级15项”", "note": "同上，区（县）级。"},
    {"indicator": "listing_done_township", "target": "25", "certainty": "C",
     "basis": f"{SUZHOU_2017}二（二）“街道级25项”", "note": "同上，街道（乡镇）级。"},
    {"indicator": "self_inspection_completion", "target": "100", "certainty": "unconfirmed",
     "basis": f"{CITY_2020}“班组日查、车间周查、厂矿月查、集团公司季查”（制度要求，未见完成率数值）",
     "note": "完成率目标为本系统的读法。"},
    {"indicator": "missed_inspection_rate", "target": "0", "certainty": "unconfirmed",
     "basis": "漏查率目标：未见出处，按应查尽查取0", "note": "未确认。"},
    {"indicator": "inspection_coverage", "target": "100", "certainty": "C",
     "basis": f"{DISTRICT_PLAN}四（二）1“排查企业覆盖率达到100%”；{SUZHOU_2017}三（一）2“市场主体核查覆盖率达到100%”",
     "note": "哪些检查计入为本系统的读法（政府、网格、专家检查）。"},
    {"indicator": "supervision_coverage", "target": "100", "certainty": "unconfirmed",
     "basis": f"{DISTRICT_PLAN}四（二）3“消除监管盲区…只要有安全风险的领域，就有牵头负责监管的机构”",
     "note": "原文未给比率；100%为本系统的读法。"},
    {"indicator": "enterprises_connected", "target": "100", "certainty": "unconfirmed",
     "basis": f"{DISTRICT_PLAN}四（二）1“建立与企业隐患排查治理系统联网的信息平台”（未给比率）",
     "note": "联网率目标未见出处。"},
    {"indicator": "accidents_change", "target": "-20", "certainty": "C",
     "basis": f"{SUZHOU_2017}二（一）“全口径生产安全事故起数、死亡人数同比减少20%以上”", "note": "地方规划的数值。"},
    {"indicator": "deaths_change", "target": "-20", "certainty": "C",
     "basis": f"{SUZHOU_2017}二（一）“全口径生产安全事故起数、死亡人数同比减少20%以上”", "note": "地方规划的数值。"},
    {"indicator": "construction_accidents_change", "target": "-20", "certainty": "C",
     "basis": f"{SUZHOU_2017}二（一）“建筑施工事故起数、死亡人数同比减少20%以上”", "note": "地方规划的数值。"},
    {"indicator": "construction_deaths_change", "target": "-20", "certainty": "C",
     "basis": f"{SUZHOU_2017}二（一）“建筑施工事故起数、死亡人数同比减少20%以上”", "note": "地方规划的数值。"},
    {"indicator": "road_accidents_change", "target": "-20", "certainty": "C",
     "basis": f"{SUZHOU_2017}二（一）“道路交通事故起数、死亡人数同比减少20%以上”", "note": "地方规划的数值。"},
    {"indicator": "road_deaths_change", "target": "-20", "certainty": "C",
     "basis": f"{SUZHOU_2017}二（一）“道路交通事故起数、死亡人数同比减少20%以上”", "note": "地方规划的数值。"},
    {"indicator": "double_decline", "target": "1", "certainty": "C",
     "basis": f"{SUZHOU_2017}总体要求“努力实现事故起数、死亡人数‘双下降’”", "note": "1 = 达成。"},
    {"indicator": "double_elimination", "target": "1", "certainty": "C",
     "basis": f"{SUZHOU_2017}二（一）“杜绝重特大事故、较大事故”", "note": "1 = 达成。"},
    {"indicator": "warnings_overdue", "target": "0", "certainty": "unconfirmed",
     "basis": "超期未消除预警为零：本系统的规则，无官方出处", "note": "未确认。"},
]


def load(model=None) -> int:
    """Create the standards that are missing (an administrator's change is kept); answers how many
    were created. ``model`` is the migration's historical model (default: the app's)."""
    if model is None:
        from anjian.assessment.models import IndicatorStandard as model
    existing = set(model.objects.values_list("indicator", flat=True))
    rows = [model(**row) for row in STANDARDS if row["indicator"] not in existing]
    model.objects.bulk_create(rows)
    return len(rows)
