"""What a demo enterprise of each industry has on site, so demo rows read like real work: a
transport company's inspections walk its car park and workshop, not a dust-extraction system;
a school's hazards are about its stairs and kitchen, not a punch press.

Each app's demo picks its own content (findings, risk points) by the profile of the
enterprise's industry; this module only maps industries to profiles and names the places
inspected there. Pure data: no model is imported.
"""

from __future__ import annotations

FACTORY, CHEMICAL, MINE, CONSTRUCTION, TRANSPORT, WATERWAY, PUBLIC, UTILITY, FARM = (
    "factory", "chemical", "mine", "construction", "transport", "waterway", "public", "utility", "farm")
PROFILES = (FACTORY, CHEMICAL, MINE, CONSTRUCTION, TRANSPORT, WATERWAY, PUBLIC, UTILITY, FARM)

# Industry code prefix → profile; the longest matching prefix wins (taxonomy: enterprises/data/industries.py).
BY_INDUSTRY = {
    "01": MINE, "02": MINE,
    "03": CHEMICAL, "0303": PUBLIC, "0305": FACTORY,   # trading without storage is a shop; non-hazardous chemicals a plant
    "04": CHEMICAL, "0403": PUBLIC,                    # fireworks production and wholesale store powder; retail is a shop
    "05": FACTORY, "0508": PUBLIC,                     # 商贸: shops, markets, warehouses of trade
    "06": CONSTRUCTION,
    "07": TRANSPORT, "19": PUBLIC,                     # railways and civil aviation: stations and terminals
    "08": WATERWAY, "14": WATERWAY,
    "09": PUBLIC, "0902": CHEMICAL,                    # flammable and explosive sites
    "10": UTILITY, "18": UTILITY,
    "11": CHEMICAL, "12": CHEMICAL,
    "13": FARM,
    "15": PUBLIC, "16": PUBLIC, "17": PUBLIC, "99": PUBLIC,
}

# Places an inspection record names, per profile.
LOCATIONS = {
    FACTORY: ["一车间", "二车间", "机加工车间", "成品仓库", "配电室", "空压机房", "厂区道路"],
    CHEMICAL: ["甲类仓库", "储罐区", "合成车间", "装卸站台", "中控室", "配电室"],
    MINE: ["井下采区", "主井提升机房", "主通风机房", "排土场", "露天采场边坡", "炸药库"],
    CONSTRUCTION: ["基坑", "外脚手架", "塔吊作业区", "临时配电箱", "钢筋加工棚", "生活区"],
    TRANSPORT: ["停车场", "维修车间", "调度室", "车辆例检区", "驾驶员休息室"],
    WATERWAY: ["码头", "客船", "渡口", "船舶机舱", "候船室"],
    PUBLIC: ["营业大厅", "库房", "后厨", "疏散楼梯", "配电间", "地下车库"],
    UTILITY: ["锅炉房", "变配电室", "电梯机房", "压力容器区", "电缆隧道"],
    FARM: ["农机库棚", "维修间", "田间作业点", "油料库"],
}

# Who carries out the weekly self-inspection (its duty is named "<unit>周查"), per profile.
UNITS = {
    FACTORY: ["一车间", "二车间", "机加工车间", "装配车间", "包装车间"],
    CHEMICAL: ["生产车间", "储运车间", "罐区"],
    MINE: ["采掘队", "机电队", "通风队"],
    CONSTRUCTION: ["项目部", "土建班组", "安装班组"],
    TRANSPORT: ["车队", "安全科", "维修车间"],
    WATERWAY: ["船队", "码头作业区"],
    PUBLIC: ["营业部", "后勤部", "物业部"],
    UTILITY: ["运行班", "检修班"],
    FARM: ["农机队", "维修组"],
}


def profile_for(industry_code: str | None) -> str:
    """The profile of an industry code (``"0702"`` → transport); PUBLIC when unknown."""
    code = industry_code or ""
    for length in range(len(code), 0, -1):
        profile = BY_INDUSTRY.get(code[:length])
        if profile:
            return profile
    return PUBLIC


def fits(only: tuple[str, ...] | None, industry_code: str | None) -> bool:
    """Whether an entry limited to the industry prefixes ``only`` (None: the whole profile) fits."""
    return not only or any((industry_code or "").startswith(prefix) for prefix in only)
