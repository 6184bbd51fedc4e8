"""Accident-type lists (GB 6441-1986, GB 6441-2025) and GB/T 13861 hazard-factor classes,
shipped as reference data from the domain fact sheet (shared/domain/REGULATIONS.md §4).

GB 6441-2025's numeric codes are not confirmed (§4.2): its codes here are the order of the
27-type list and are loaded with ``is_code_confirmed=False``. GB/T 13861 second-level codes
other than 11, 12, 21 are derived from the naming pattern ([D] in the fact sheet).
"""

# The date GB 6441-2025 comes into force; accidents before it use the 1986 list.
GB6441_2025_IN_FORCE = "2026-07-01"

GB6441_1986 = [
    ("01", "物体打击"), ("02", "车辆伤害"), ("03", "机械伤害"), ("04", "起重伤害"), ("05", "触电"),
    ("06", "淹溺"), ("07", "灼烫"), ("08", "火灾"), ("09", "高处坠落"), ("10", "坍塌"),
    ("11", "冒顶片帮"), ("12", "透水"), ("13", "放炮"), ("14", "火药爆炸"), ("15", "瓦斯爆炸"),
    ("16", "锅炉爆炸"), ("17", "容器爆炸"), ("18", "其他爆炸"), ("19", "中毒和窒息"), ("20", "其他伤害"),
]

GB6441_2025 = [
    "物体打击", "厂(场)内车辆致害", "道路(轨道)车辆致害", "机械致害", "起重致害", "触电", "淹溺", "灼烫",
    "火灾", "高处坠落", "跌落", "坍塌", "水害", "容器爆炸", "管道爆炸", "可燃气体爆炸",
    "可燃液体蒸汽(蒸气)爆炸", "粉尘爆炸", "民用爆炸物品爆炸", "烟花爆竹爆炸", "其他可燃固体爆炸",
    "高温熔融物爆炸", "中毒", "窒息", "滑坡", "泄漏", "其他事故",
]

# (code, name, parent code, top class, certainty)
HAZARD_FACTOR_CLASSES = [
    ("1", "人的因素", None, "person", "C"),
    ("11", "心理、生理性危险和有害因素", "1", "person", "C"),
    ("12", "行为性危险和有害因素", "1", "person", "C"),
    ("2", "物的因素", None, "object", "C"),
    ("21", "物理性危险和有害因素", "2", "object", "C"),
    ("22", "化学性危险和有害因素", "2", "object", "D"),
    ("23", "生物性危险和有害因素", "2", "object", "D"),
    ("3", "环境因素", None, "environment", "C"),
    ("31", "室内作业场所环境不良", "3", "environment", "D"),
    ("32", "室外作业场所环境不良", "3", "environment", "D"),
    ("33", "地下（含水下）作业环境不良", "3", "environment", "D"),
    ("39", "其他作业环境不良", "3", "environment", "D"),
    ("4", "管理因素", None, "management", "C"),
    ("41", "职业安全卫生组织机构不健全", "4", "management", "D"),
    ("42", "职业安全卫生责任制未落实", "4", "management", "D"),
    ("43", "职业安全卫生管理规章制度不完善", "4", "management", "D"),
    ("44", "职业安全卫生投入不足", "4", "management", "D"),
    ("45", "职业健康管理不完善", "4", "management", "D"),
    ("49", "其他管理因素缺陷", "4", "management", "D"),
]


def load(apps) -> None:
    """Load both lists idempotently (keyed by code); rows administrators added are left alone."""
    AccidentType = apps.get_model("standards", "AccidentType")
    HazardFactorClass = apps.get_model("standards", "HazardFactorClass")
    for sort, (code, name) in enumerate(GB6441_1986, start=1):
        AccidentType.objects.update_or_create(scheme="GB6441-1986", code=code,
                                              defaults={"name": name, "sort": sort * 10})
    for sort, name in enumerate(GB6441_2025, start=1):
        AccidentType.objects.update_or_create(scheme="GB6441-2025", code=f"{sort:02d}", defaults={
            "name": name, "sort": sort * 10, "is_code_confirmed": False})
    by_code = {}
    for sort, (code, name, parent, top, certainty) in enumerate(HAZARD_FACTOR_CLASSES, start=1):
        by_code[code], _ = HazardFactorClass.objects.update_or_create(code=code, defaults={
            "name": name, "parent": by_code.get(parent), "top": top, "certainty": certainty, "sort": sort * 10})
