"""The industry taxonomy (行业领域) shipped as reference data: (code, name, English name, high-risk).

A child's code extends its parent's. Covers every sector named in the glossary; the
administrator may add sub-sectors in the admin.

The high-risk flags follow the sources in ``HIGH_RISK_SOURCES`` (one note per code, in
Chinese, shown to administrators). They were corrected by the migration
``enterprises.0006_correct_high_risk_industries`` (before it, metallurgy, construction,
transport, waterway transport and fishing vessels were wrongly not high-risk); a fresh
database gets the corrected flags from ``0003_load_industries`` already.
"""

INDUSTRIES = [
    ("01", "煤矿", "Coal mines", True),
    ("02", "非煤矿山", "Non-coal mines", True),
    ("0201", "金属非金属地下矿山", "Metal and non-metal underground mines", True),
    ("0202", "金属非金属露天矿山", "Metal and non-metal open-pit mines", True),
    ("0203", "尾矿库", "Tailings ponds", True),
    ("0204", "石油天然气开采", "Oil and gas extraction", True),
    ("03", "危险化学品", "Hazardous chemicals", True),
    ("0301", "危险化学品生产", "Hazardous chemicals production", True),
    ("0302", "危险化学品经营（带储存）", "Hazardous chemicals trading with storage", True),
    ("0303", "危险化学品经营（不带储存）", "Hazardous chemicals trading without storage", True),
    ("0304", "危险化学品使用", "Hazardous chemicals use", True),
    ("0305", "化工（非危险化学品）", "Chemicals (non-hazardous)", False),
    ("04", "烟花爆竹", "Fireworks", True),
    ("0401", "烟花爆竹生产", "Fireworks production", True),
    ("0402", "烟花爆竹批发", "Fireworks wholesale", True),
    ("0403", "烟花爆竹零售", "Fireworks retail", True),
    ("05", "冶金工贸", "Metallurgy, industry and trade", False),
    ("0501", "冶金", "Metallurgy", True),
    ("0502", "有色", "Non-ferrous metals", False),
    ("0503", "建材", "Building materials", False),
    ("0504", "机械", "Machinery", False),
    ("0505", "轻工", "Light industry", False),
    ("0506", "纺织", "Textiles", False),
    ("0507", "烟草", "Tobacco", False),
    ("0508", "商贸", "Commerce and trade", False),
    ("06", "建筑施工", "Construction", True),
    ("0601", "房屋建筑和市政工程", "Housing and municipal works", True),
    ("0602", "交通水利工程", "Transport and water works", True),
    ("07", "道路运输", "Road transport", True),
    ("0701", "道路旅客运输", "Road passenger transport", True),
    ("0702", "道路普通货物运输", "Road freight transport", True),
    ("0703", "危险货物道路运输", "Road transport of dangerous goods", True),
    ("08", "水上交通", "Waterway transport", True),
    ("09", "消防重点单位", "Fire-safety key units", False),
    ("0901", "人员密集场所", "Crowded places", False),
    ("0902", "易燃易爆场所", "Flammable and explosive sites", True),
    ("10", "特种设备", "Special equipment", False),
    ("11", "城镇燃气", "Gas supply", True),
    ("12", "民用爆炸物品", "Civil explosives", True),
    ("13", "农业机械", "Agricultural machinery", False),
    ("14", "渔业船舶", "Fishing vessels", True),
    ("15", "文化旅游", "Culture and tourism", False),
    ("16", "教育", "Education", False),
    ("17", "医疗卫生", "Health care", False),
    ("18", "电力", "Electric power", False),
    ("19", "铁路民航", "Railways and civil aviation", True),
    ("99", "其他", "Other", False),
]

# The two texts that name the high-risk sectors. Article numbers checked against stored public
# copies of the texts (docs/architecture.md, "High-risk industries"):
# - 《安全生产法》(2021) Art. 24: mines, metal smelting, construction, transport units, and units
#   producing, trading, storing or loading/unloading dangerous goods must have a safety
#   department or full-time safety staff; Art. 117 defines dangerous goods (flammable and
#   explosive goods, hazardous chemicals, radioactive goods); Art. 51(2): units of the
#   high-risk sectors the State names must take safety liability insurance.
# - 《安全生产责任保险实施办法》 names those sectors. The 2017 version (安监总办〔2017〕140号,
#   Art. 6) was replaced on 2025-03-29 by 应急〔2025〕27号 (Art. 2): mines, hazardous
#   chemicals, fireworks, transport, construction, civil explosives, metal smelting, fishing.
LAW = "《中华人民共和国安全生产法》（2021年修正）"
LAW_24 = LAW + "第二十四条"
LAW_117 = LAW + "第一百一十七条"
INSURANCE = ("《安全生产责任保险实施办法》（应急〔2025〕27号）第二条（原安监总办〔2017〕140号第六条，"
             "已于2025年3月29日被替代）")
NOT_NAMED = ("不属于高危行业：" + LAW_24 + "和" + INSURANCE + "均未列入本行业。"
             "本行业中从事上述高危活动的企业（如使用危险化学品、自有车队运输），请在企业档案中人工认定。")
READING = "（依据为本平台对条文的理解，不是条文原文，管理员可核对后修改。）"

HIGH_RISK_SOURCES = {
    "01": "高危行业：" + LAW_24 + "列明“矿山”；" + INSURANCE + "列明“矿山”（原140号列明“煤矿”）。",
    "02": "高危行业：" + LAW_24 + "列明“矿山”；" + INSURANCE + "列明“矿山”（原140号列明“非煤矿山”）。",
    "0201": "高危行业：属矿山。" + LAW_24 + "；" + INSURANCE + "。",
    "0202": "高危行业：属矿山。" + LAW_24 + "；" + INSURANCE + "。",
    "0203": "高危行业：尾矿库属非煤矿山监管范围，按“矿山”认定。" + LAW_24 + "；" + INSURANCE + "。" + READING,
    "0204": "高危行业：陆上石油天然气开采属非煤矿山监管范围，按“矿山”认定；其产品亦为危险物品。"
            + LAW_24 + "；" + INSURANCE + "。" + READING,
    "03": "高危行业：" + LAW_24 + "列明危险物品的生产、经营、储存、装卸单位（危险化学品属危险物品，见"
          + LAW_117 + "）；" + INSURANCE + "列明“危险化学品”。",
    "0301": "高危行业：危险物品的生产单位。" + LAW_24 + "；" + INSURANCE + "列明“危险化学品”。",
    "0302": "高危行业：危险物品的经营、储存单位。" + LAW_24 + "；" + INSURANCE + "列明“危险化学品”。",
    "0303": "高危行业：" + LAW_24 + "所列“危险物品的……经营……单位”不以带储存为条件；"
            + INSURANCE + "列明“危险化学品”。（2026年12月更正：原为非高危。）",
    "0304": "高危行业：" + INSURANCE + "列明“危险化学品”领域；" + LAW_24
            + "未单列“使用”单位，按危险化学品领域认定。" + READING,
    "0305": NOT_NAMED + "（不涉及危险化学品的化工企业。）",
    "04": "高危行业：" + INSURANCE + "列明“烟花爆竹”；烟花爆竹属易燃易爆物品即危险物品（" + LAW_117
          + "），其生产、经营、储存单位见" + LAW_24 + "。",
    "0401": "高危行业：危险物品的生产单位。" + LAW_24 + "；" + INSURANCE + "列明“烟花爆竹”。",
    "0402": "高危行业：危险物品的经营、储存单位。" + LAW_24 + "；" + INSURANCE + "列明“烟花爆竹”。",
    "0403": "高危行业：零售也是危险物品的经营，" + LAW_24 + "不以经营规模为条件；" + INSURANCE
            + "列明“烟花爆竹”领域。（2026年12月更正：原为非高危。）" + READING,
    "05": "本大类不整体认定为高危：其中“冶金”子行业属金属冶炼（见该子行业）；其余子行业未被"
          + LAW_24 + "和" + INSURANCE + "列入。有色金属冶炼企业请在企业档案中人工认定为高危。",
    "0501": "高危行业：金属冶炼。" + LAW_24 + "列明“金属冶炼”；" + INSURANCE
            + "列明“金属冶炼”。（2026年12月更正：原为非高危。）",
    "0502": "本子行业不整体认定为高危：有色金属冶炼属金属冶炼（" + LAW_24 + "；" + INSURANCE
            + "），而有色金属压延加工等不属于；从事有色金属冶炼的企业请在企业档案中人工认定为高危。",
    "0503": NOT_NAMED,
    "0504": NOT_NAMED,
    "0505": NOT_NAMED,
    "0506": NOT_NAMED,
    "0507": NOT_NAMED,
    "0508": NOT_NAMED,
    "06": "高危行业：" + LAW_24 + "列明“建筑施工”；" + INSURANCE + "列明“建筑施工”。（2026年12月更正：原为非高危。）",
    "0601": "高危行业：建筑施工。" + LAW_24 + "；" + INSURANCE + "。（2026年12月更正：原为非高危。）",
    "0602": "高危行业：建筑施工。" + LAW_24 + "；" + INSURANCE + "。（2026年12月更正：原为非高危。）",
    "07": "高危行业：" + LAW_24 + "列明“运输单位”（2014年版第二十一条为“道路运输单位”）；" + INSURANCE
          + "列明“交通运输”。（2026年12月更正：原为非高危。）",
    "0701": "高危行业：运输单位。" + LAW_24 + "；" + INSURANCE + "列明“交通运输”。（2026年12月更正：原为非高危。）",
    "0702": "高危行业：运输单位。" + LAW_24 + "；" + INSURANCE + "列明“交通运输”。（2026年12月更正：原为非高危。）",
    "0703": "高危行业：运输单位，且运输危险物品。" + LAW_24 + "；" + INSURANCE + "列明“交通运输”。",
    "08": "高危行业：水路运输属运输单位。" + LAW_24 + "；" + INSURANCE + "列明“交通运输”。"
          "（2026年12月更正：原为非高危。）",
    "09": "本大类不整体认定为高危：消防安全重点单位不是" + LAW_24 + "和" + INSURANCE
          + "所列行业；其中储存、经营易燃易爆危险物品的场所见“易燃易爆场所”。",
    "0901": NOT_NAMED + "（人员密集场所另以特征标签“人员密集”标记。）",
    "0902": "高危行业：生产、储存、经营易燃易爆物品的场所属危险物品的生产、经营、储存单位（" + LAW_117
            + "；" + LAW_24 + "）。" + READING,
    "10": NOT_NAMED,
    "11": "高危行业：燃气（天然气、液化石油气等）属易燃易爆的危险物品（" + LAW_117
          + "），城镇燃气经营企业为危险物品的经营、储存单位（" + LAW_24 + "）。" + READING,
    "12": "高危行业：民用爆炸物品属危险物品（" + LAW_117 + "；" + LAW_24 + "）；" + INSURANCE + "列明“民用爆炸物品”。",
    "13": NOT_NAMED,
    "14": "高危行业：" + INSURANCE + "列明“渔业生产”（原140号同）。（2026年12月更正：原为非高危。）",
    "15": NOT_NAMED,
    "16": NOT_NAMED,
    "17": NOT_NAMED,
    "18": NOT_NAMED,
    "19": "高危行业：铁路、民航运输企业属" + LAW_24 + "所列“运输单位”，亦属" + INSURANCE
          + "所列“交通运输”。（2026年12月更正：原为非高危。）" + READING,
    "99": NOT_NAMED,
}

