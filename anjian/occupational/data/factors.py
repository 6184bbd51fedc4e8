"""The starting catalogue of occupational hazard factors: a selection of the six classes of
《职业病危害因素分类目录》 (国卫疾控发〔2015〕92号, 国家卫生计生委、安全监管总局、人力资源社会保障部、
全国总工会, 2015; it lists 52 dusts, 375 chemical factors, 15 physical, 8 radioactive, 6 biological and
3 other factors). Administrators add the rest in the admin. Rows read in the catalogue's excerpts
are confirmed; the others are marked unconfirmed (name and CAS number to be checked)."""

SOURCE = "《职业病危害因素分类目录》（国卫疾控发〔2015〕92号）"

# (code, name, class, CAS number, confirmed)
FACTORS = [
    ("D01", "矽尘（游离SiO2含量≥10%）", "dust", "14808-60-7", True),
    ("D02", "煤尘", "dust", "", True),
    ("D03", "石墨粉尘", "dust", "7782-42-5", True),
    ("D04", "石棉粉尘", "dust", "1332-21-4", True),
    ("D05", "水泥粉尘", "dust", "", True),
    ("D06", "电焊烟尘", "dust", "", False),
    ("D07", "木粉尘", "dust", "", False),
    ("C01", "铅及其化合物（不包括四乙基铅）", "chemical", "7439-92-1", False),
    ("C02", "苯", "chemical", "71-43-2", False),
    ("C03", "甲苯", "chemical", "108-88-3", False),
    ("C04", "二甲苯", "chemical", "1330-20-7", False),
    ("C05", "甲醛", "chemical", "50-00-0", True),
    ("C06", "硫化氢", "chemical", "7783-06-4", True),
    ("C07", "氨", "chemical", "7664-41-7", False),
    ("C08", "氯气", "chemical", "7782-50-5", False),
    ("C09", "一氧化碳", "chemical", "630-08-0", False),
    ("C10", "正己烷", "chemical", "110-54-3", False),
    ("C11", "锰及其化合物", "chemical", "7439-96-5", False),
    ("P01", "噪声", "physical", "", True),
    ("P02", "高温", "physical", "", True),
    ("P03", "手传振动", "physical", "", False),
    ("P04", "紫外辐射（紫外线）", "physical", "", True),
    ("P05", "激光", "physical", "", True),
    ("R01", "X射线装置（含CT机）产生的电离辐射", "radiation", "", True),
    ("R02", "密封放射源产生的电离辐射", "radiation", "", True),
    ("B01", "布鲁氏菌", "biological", "", True),
    ("B02", "森林脑炎病毒", "biological", "", True),
    ("O01", "金属烟", "other", "", True),
    ("O02", "井下不良作业条件", "other", "", True),
    ("O03", "刮研作业", "other", "", True),
]


def load(apps, schema_editor=None) -> None:
    """Create the catalogue's rows (idempotent by code)."""
    model = apps.get_model("occupational", "HazardFactor")
    for n, (code, name, category, cas, confirmed) in enumerate(FACTORS, start=1):
        model.objects.get_or_create(code=code, defaults={
            "name": name, "category": category, "cas_number": cas, "sort": n,
            "source": SOURCE if confirmed else f"{SOURCE}；名称与CAS号待核对原文",
            "certainty": "confirmed" if confirmed else "unconfirmed"})
