"""Deterministic demo data: 示范市 (a fictitious city under 示范省, division codes starting 99,
a province code that does not exist, so demo rows can never collide with real ones).

Every generated row has ``is_demo=True``. The same seed always gives the same data.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from anjian.core.demo.people import person, phone
from anjian.enterprises.models import Enterprise, EnterpriseTag, FeatureTag, Industry, Supervision
from anjian.enterprises.validators import ALPHABET, credit_code_check_char
from anjian.orgs.choices import DepartmentKind, Role
from anjian.orgs.models import Department, User
from anjian.orgs.roles import apply_role_group
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Grid, Region

DEMO_PASSWORD = "Anjian@2026demo"

COUNTY_NAMES = ["东城区", "西城区", "南湖区", "北山县", "临江县", "青峰县", "白石县", "云台区", "金沙县", "玉泉区"]
TOWNSHIP_WORDS = ["城关", "新桥", "石门", "柳林", "河口", "马坊", "黄庄", "李集", "桃源", "双塘",
                  "龙泉", "高坪", "沙河", "杨湾", "枫林", "花园", "东港", "西岭", "南岗", "北湖"]
FIRM_WORDS = ["恒达", "鑫源", "宏盛", "华泰", "永安", "瑞丰", "金诚", "利民", "天宇", "正邦", "嘉信", "博远",
              "中联", "兴旺", "远航", "安泰", "富康", "顺通", "明辉", "德胜", "长青", "同力", "开元", "光华"]
INDUSTRY_WORD = {
    "01": "煤业", "02": "矿业", "03": "化工", "04": "烟花", "05": "制造", "06": "建设", "07": "运输",
    "08": "航运", "09": "商贸", "10": "机电", "11": "燃气", "12": "民爆", "13": "农机", "14": "渔业",
    "15": "文旅", "16": "教育", "17": "医疗", "18": "电力", "19": "物流", "99": "实业",
}
# Relative weights of leaf industries in a plausible city (工贸 and 商贸 dominate).
INDUSTRY_WEIGHTS = {
    "0201": 2, "0202": 3, "0203": 1, "0301": 3, "0302": 3, "0303": 4, "0304": 4, "0305": 3, "0401": 1,
    "0402": 1, "0403": 4, "0501": 2, "0502": 2, "0503": 5, "0504": 10, "0505": 9, "0506": 6, "0508": 12,
    "0601": 6, "0602": 2, "0701": 2, "0702": 5, "0703": 2, "08": 1, "0901": 6, "0902": 2, "10": 3, "11": 2,
    "13": 1, "15": 2, "16": 2, "17": 2, "99": 3,
}
CITY_DEPARTMENTS = [
    ("应急管理局", DepartmentKind.REGULATOR, []),
    ("安全生产委员会办公室", DepartmentKind.COMMITTEE_OFFICE, []),
    ("住房和城乡建设局", DepartmentKind.INDUSTRY, ["06", "11"]),
    ("交通运输局", DepartmentKind.INDUSTRY, ["07", "08"]),
    ("市场监督管理局", DepartmentKind.INDUSTRY, ["10"]),
    ("消防救援支队", DepartmentKind.INDUSTRY, ["09"]),
    ("文化广电旅游局", DepartmentKind.INDUSTRY, ["15"]),
    ("教育局", DepartmentKind.INDUSTRY, ["16"]),
    ("卫生健康委员会", DepartmentKind.INDUSTRY, ["17"]),
]
COUNTY_DEPARTMENTS = [
    ("应急管理局", DepartmentKind.REGULATOR, []),
    ("安全生产委员会办公室", DepartmentKind.COMMITTEE_OFFICE, []),
    ("住房和城乡建设局", DepartmentKind.INDUSTRY, ["06", "11"]),
    ("交通运输局", DepartmentKind.INDUSTRY, ["07", "08"]),
    ("市场监督管理局", DepartmentKind.INDUSTRY, ["10"]),
]


@dataclass
class DemoSize:
    cities: int = 1
    counties_per_city: int = 6
    townships_per_county: int = 10
    grids_per_township: int = 5
    enterprises_per_township: int = 50
    blind_spot_share: float = 0.06


def make_credit_code(division6: str, serial: int) -> str:
    org = "".join(ALPHABET[(serial // 31**i) % 31] for i in range(9))[::-1]
    first17 = "91" + division6 + org
    return first17 + credit_code_check_char(first17)


# Feature tags of the demo: (tag code, industry code prefixes, share of those enterprises).
DEMO_TAGS = [
    ("dust_explosion", ("0502", "0503", "0504", "0505", "0506"), 0.15),
    ("ammonia_refrigeration", ("0505", "0508"), 0.08),
    ("confined_space", ("03", "05"), 0.2),
    ("hazchem_use", ("0304", "0501", "0502", "0504"), 0.3),
    ("crowded", ("0901", "15", "16", "17", "0506"), 0.5),
]


class DemoBuilder:
    """Builds the demo jurisdiction, departments, enterprises, supervision and users."""

    def __init__(self, size: DemoSize | None = None, seed: int = 20261122, with_history: bool = True,
                 progress: Callable[[str, int], None] | None = None):
        self.size = size or DemoSize()
        # Told (county name, enterprises made) as each county is done: `anjian demo` prints it.
        self.progress = progress
        self.rng = random.Random(seed)
        # The tags draw from their own generator: the rest of the demo stays what it was.
        self.tag_rng = random.Random(f"tags-{seed}")
        self.tags = dict(FeatureTag.objects.values_list("code", "pk"))
        self.with_history = with_history
        self.industries = {i.code: i for i in Industry.objects.all()}
        codes = list(INDUSTRY_WEIGHTS)
        self.leaf_codes = codes
        self.leaf_weights = [INDUSTRY_WEIGHTS[c] for c in codes]
        self.serial = 0

    @transaction.atomic
    def build(self) -> dict:
        if Region.objects.filter(code="990000000000").exists():
            raise RuntimeError("Demo data already exists (示范省 990000000000). Use a fresh database.")
        province = Region.objects.create(code="990000000000", name="示范省", level=RegionLevel.PROVINCE, is_demo=True)
        stats = {"cities": 0, "counties": 0, "townships": 0, "grids": 0, "enterprises": 0, "departments": 0}
        first_city = None
        for c in range(self.size.cities):
            city_code = f"99{c + 1:02d}00000000"
            city_name = "示范市" if c == 0 else f"示范{c + 1}市"
            city = Region.objects.create(code=city_code, name=city_name, level=RegionLevel.CITY, parent=province,
                                         is_demo=True)
            first_city = first_city or city
            stats["cities"] += 1
            city_depts = self._departments(city, CITY_DEPARTMENTS)
            stats["departments"] += len(city_depts)
            for k in range(self.size.counties_per_city):
                county = Region.objects.create(
                    code=f"{city_code[:4]}{k + 1:02d}000000", name=COUNTY_NAMES[k % len(COUNTY_NAMES)],
                    level=RegionLevel.COUNTY, parent=city, is_demo=True)
                stats["counties"] += 1
                county_depts = self._departments(county, COUNTY_DEPARTMENTS)
                stats["departments"] += len(county_depts)
                townships = Region.objects.bulk_create([
                    Region(code=f"{county.code[:6]}{t + 1:03d}000", level=RegionLevel.TOWNSHIP, parent=county,
                           name=TOWNSHIP_WORDS[(t + k * 3) % len(TOWNSHIP_WORDS)] + ("镇" if t % 3 else "街道"),
                           path=county.path + f"{county.code[:6]}{t + 1:03d}000", is_demo=True)
                    for t in range(self.size.townships_per_county)
                ])
                stats["townships"] += len(townships)
                county_enterprises = 0
                for township in townships:
                    station = Department.objects.create(
                        name=f"{township.name}安监站", kind=DepartmentKind.TOWNSHIP_STATION, region=township,
                        is_demo=True)
                    stats["departments"] += 1
                    grids = Grid.objects.bulk_create([
                        Grid(code=f"{township.code[:9]}G{g + 1:02d}", name=f"{township.name}第{g + 1}网格",
                             township=township, region_path=township.path, officer_name=person(self.rng),
                             officer_phone=phone(self.rng), is_demo=True)
                        for g in range(self.size.grids_per_township)
                    ])
                    stats["grids"] += len(grids)
                    n = self._enterprises(township, grids, county_depts, station)
                    stats["enterprises"] += n
                    county_enterprises += n
                if self.progress:
                    self.progress(f"{city.name}{county.name}", county_enterprises)
        stats["users"] = self._users(first_city)
        return stats

    def _departments(self, region: Region, spec) -> dict[str, Department]:
        out = {}
        for name, kind, industry_codes in spec:
            dept = Department.objects.create(name=f"{region.name}{name}", kind=kind, region=region,
                                             phone=phone(self.rng), is_demo=True)
            if industry_codes:
                dept.industries.set([self.industries[c] for c in industry_codes])
            # Kept on the object so assigning thousands of plates needs no further queries.
            dept.industry_codes = tuple(industry_codes)
            out[name] = dept
        return out

    def _supervising_department(self, industry: Industry, county_depts: dict[str, Department],
                                station: Department) -> Department:
        for dept in county_depts.values():
            if any(industry.code.startswith(c) for c in getattr(dept, "industry_codes", ())):
                return dept
        if self.rng.random() < 0.3:
            return station
        return county_depts["应急管理局"]

    def _enterprises(self, township: Region, grids: list[Grid], county_depts, station) -> int:
        rng = self.rng
        rows = []
        for _ in range(self.size.enterprises_per_township):
            self.serial += 1
            code = rng.choices(self.leaf_codes, self.leaf_weights)[0]
            industry = self.industries[code]
            word = INDUSTRY_WORD.get(code[:2], "实业")
            employees = int(rng.lognormvariate(3.2, 1.1)) + 1
            status = "operating" if rng.random() > 0.05 else rng.choice(["suspended", "closed"])
            established = date(1995, 1, 1) + timedelta(days=rng.randrange(0, 10500))
            grid = rng.choice(grids)
            rows.append(Enterprise(
                name=f"{township.name}{rng.choice(FIRM_WORDS)}{word}有限公司（演示{self.serial:06d}）",
                credit_code=make_credit_code(township.code[:6], self.serial),
                legal_representative=person(rng), principal_name=person(rng), principal_phone=phone(rng),
                safety_manager_name=person(rng), safety_manager_phone=phone(rng),
                address=f"{township.name}{rng.choice(TOWNSHIP_WORDS)}路{rng.randint(1, 300)}号",
                region=township, region_path=township.path, grid=grid,
                latitude=round(30.0 + int(township.code[4:6]) * 0.08 + rng.random() * 0.08, 6),
                longitude=round(120.0 + int(township.code[6:9]) * 0.02 + rng.random() * 0.05, 6),
                industry=industry, above_scale=employees > 80 and rng.random() < 0.7, employees=employees,
                high_risk=industry.high_risk, status=status, established_on=established,
                closed_on=date(2025, 6, 30) if status == "closed" else None,
                suspended_on=date(2026, 3, 1) if status == "suspended" else None,
                status_changed_on=date(2025, 6, 30) if status != "operating" else None,
                is_demo=True,
            ))
        if self.with_history:
            created = bulk_create_with_history(rows, Enterprise, batch_size=500, default_change_reason="演示数据生成")
        else:
            created = Enterprise.objects.bulk_create(rows, batch_size=2000)
        if not created or created[0].pk is None:  # backends without RETURNING: read them back
            created = list(Enterprise.objects.filter(region=township).order_by("id"))
        plates = []
        for ent in created:
            if ent.status == "closed" or rng.random() < self.size.blind_spot_share:
                continue
            dept = self._supervising_department(ent.industry, county_depts, station)
            plates.append(Supervision(
                enterprise=ent, department=dept, leader_name=person(rng), leader_phone=phone(rng),
                officer_name=person(rng), officer_phone=phone(rng),
                started_on=date(2026, 1, 1) + timedelta(days=rng.randrange(0, 200)),
            ))
        Supervision.objects.bulk_create(plates, batch_size=2000)
        links = [EnterpriseTag(enterprise=ent, tag_id=self.tags[code])
                 for ent in created for code, prefixes, share in DEMO_TAGS
                 if code in self.tags and ent.industry.code.startswith(prefixes) and self.tag_rng.random() < share]
        EnterpriseTag.objects.bulk_create(links, batch_size=2000)
        return len(created)

    def _users(self, city: Region) -> int:
        county = city.children.order_by("code").first()
        other_county = city.children.order_by("code")[1]
        # The enterprise user's company and the grid officer's grid are the same place, so the
        # two log-ins show one consistent corner of the city.
        enterprise = (Enterprise.objects.filter(region__parent=county, status="operating", grid__isnull=False)
                      .select_related("grid").order_by("id").first())
        grid = enterprise.grid
        # The grid officer log-in is a person, and the grid's officer (its name and phone) is that person.
        grid_officer_name = person(self.rng)
        city_regulator = Department.objects.get(region=city, kind=DepartmentKind.REGULATOR)
        city_office = Department.objects.get(region=city, kind=DepartmentKind.COMMITTEE_OFFICE)
        city_housing = Department.objects.get(region=city, name__endswith="住房和城乡建设局")
        county_regulator = Department.objects.get(region=county, kind=DepartmentKind.REGULATOR)
        other_regulator = Department.objects.get(region=other_county, kind=DepartmentKind.REGULATOR)
        specs = [
            ("admin", "系统管理员", Role.ADMIN, {"is_superuser": True, "is_staff": True}),
            ("regulator", "市应急局执法员", Role.REGULATOR, {"department": city_regulator, "scope_region": city}),
            ("county_regulator", f"{county.name}应急局执法员", Role.REGULATOR,
             {"department": county_regulator, "scope_region": county}),
            ("other_county_regulator", f"{other_county.name}应急局执法员", Role.REGULATOR,
             {"department": other_regulator, "scope_region": other_county}),
            ("industry_officer", "市住建局监管员", Role.INDUSTRY_OFFICER,
             {"department": city_housing, "scope_region": city}),
            ("grid_officer", grid_officer_name, Role.GRID_OFFICER, {"scope_grid": grid}),
            ("committee_office", "市安委办工作人员", Role.COMMITTEE_OFFICE,
             {"department": city_office, "scope_region": city}),
            ("enterprise", f"{enterprise.name[:12]}安全管理员", Role.ENTERPRISE, {"scope_enterprise": enterprise}),
            ("expert", "安全生产专家", Role.EXPERT, {"scope_region": county}),
        ]
        for username, name, role, extra in specs:
            user = User(username=username, name=name, role=role, phone=phone(self.rng), is_demo=True, **extra)
            user.set_password(DEMO_PASSWORD)
            user.save()
            if role == Role.INDUSTRY_OFFICER:
                user.scope_industries.set([self.industries["06"], self.industries["11"]])
            if role == Role.GRID_OFFICER:
                grid.officer_name, grid.officer_phone = user.name, user.phone
                grid.save(update_fields=["officer_name", "officer_phone"])
            apply_role_group(user)
        return len(specs)


DEMO_LOGINS = [
    ("admin", "系统管理员 System administrator"),
    ("regulator", "市应急管理局 Regulator officer (city)"),
    ("county_regulator", "区应急管理局 Regulator officer (one county)"),
    ("other_county_regulator", "另一区应急管理局 Regulator officer (another county)"),
    ("industry_officer", "市住建局 Industry-department officer (construction, gas)"),
    ("grid_officer", "网格员 Grid officer"),
    ("committee_office", "市安委办 Committee office"),
    ("enterprise", "企业安全管理员 Enterprise safety manager"),
    ("expert", "专家 Expert"),
]
