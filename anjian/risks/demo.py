"""Demo data of this app, built by `anjian demo` after the enterprises, hazards and inspections:
risk points around the demo enterprises (their coordinates, jittered), assessed by LEC or LS,
with control measures, and the generated check items and inspection duties for a few
enterprises. Every row is marked ``is_demo`` (risk points) or belongs to a demo enterprise.

The first enterprises go through the services exactly as users would (events, versions,
assessments with their band snapshots, generated checklists and duties). The rest of the
city gets its risk points written in bulk — levels computed by the same evaluator — so the
risk map shows a whole city without the demo taking minutes.
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from anjian.core.demo import profiles
from anjian.enterprises.models import Enterprise
from anjian.orgs.models import User
from anjian.standards.models import AccidentType, HazardFactorClass

from . import evaluation, services
from .models import RiskAssessment, RiskPoint, RiskProfile

# Risk points by the profile of the enterprise's industry (anjian/core/demo/profiles.py), so a
# transport company has buses and a repair shop, not a dust-extraction system:
# (name, kind, department, hazard factor codes, accident type codes (1986), measures[, only the
# industries with these code prefixes, e.g. buses only at passenger transport])
_DISTRIBUTION = ("配电室", "site", "动力车间", ["21", "43"], ["05", "08"],
                 [("配电室门常闭上锁，非电工禁止入内", "post", "management"),
                  ("每周检测接地电阻并记录", "workshop", "engineering")])
_CONFINED = ("有限空间作业", "activity", "环保车间", ["12", "33"], ["19"],
             [("执行先通风、再检测、后作业", "team", "management"), ("作业审批和专人监护", "workshop", "management")])
_HEIGHT = ("高处作业平台", "site", "维修班", ["12", "32"], ["09"],
           [("临边防护栏完好，作业系安全带", "team", "ppe"), ("高处作业审批", "workshop", "management")])
_BOILER = ("锅炉房", "installation", "动力车间", ["21", "22"], ["16", "07"],
           [("压力表、安全阀定期校验", "workshop", "engineering"), ("司炉工每两小时巡检", "post", "management")])
_CHEM_STORE = ("危险化学品仓库", "site", "仓储部", ["22", "43"], ["08", "19", "18"],
               [("分类分区存放，禁忌物隔离", "workshop", "management"), ("可燃气体报警器每班巡检", "team", "engineering"),
                ("配备防毒面具和应急处置器材", "post", "ppe")])
_FORKLIFT = ("厂内机动车辆", "activity", "物流部", ["12", "32"], ["02"],
             [("叉车限速 5 km/h，司机持证", "team", "management")])
POINTS = {
    profiles.FACTORY: [
        _DISTRIBUTION, _CONFINED, _HEIGHT, _BOILER, _CHEM_STORE, _FORKLIFT,
        ("冲压生产线", "installation", "一车间", ["21", "12"], ["03"],
         [("双手操作按钮与光电保护装置每班点检", "team", "engineering"), ("冲压工持证上岗并每年复训", "company", "training")]),
        ("行车吊装作业", "activity", "装配车间", ["21", "12"], ["04", "01"],
         [("吊索具每日检查，报废标准上墙", "team", "engineering"), ("起重指挥持证上岗", "company", "training")]),
        ("喷漆房", "site", "涂装车间", ["22", "31"], ["08", "18", "19"],
         [("通风设施与喷漆设备联锁", "workshop", "engineering"), ("作业人员佩戴防毒口罩", "post", "ppe")]),
        ("粉尘除尘系统", "installation", "打磨车间", ["22", "21"], ["18", "08"],
         [("除尘器泄爆装置完好，每班清灰记录", "team", "engineering"),
          ("粉尘爆炸应急演练每半年一次", "company", "emergency")]),
    ],
    profiles.CHEMICAL: [
        _DISTRIBUTION, _CONFINED, _CHEM_STORE, _FORKLIFT,
        ("储罐区", "site", "储运车间", ["22", "21"], ["08", "18", "19"],
         [("液位、温度、压力高低限报警和紧急切断联锁投用", "workshop", "engineering"),
          ("罐区每两小时巡检并记录", "post", "management"), ("罐区泄漏处置演练每季度一次", "company", "emergency")],
         ("03", "0902", "11")),
        ("装卸站台", "activity", "储运车间", ["22", "12"], ["08", "19"],
         [("装卸使用万向管道充装系统并接地", "team", "engineering"), ("装卸全程专人监护", "post", "management")],
         ("03", "0902", "11")),
        ("涉药工房", "site", "生产车间", ["22", "12"], ["14", "08"],
         [("工房定员、定量，超员超量停产", "workshop", "management"), ("进入工房前消除人体静电", "post", "ppe")],
         ("04", "12")),
        ("动火作业", "activity", "生产车间", ["12", "22"], ["08", "18"],
         [("动火作业票三级审批", "workshop", "management"), ("动火前可燃气体检测合格", "team", "engineering")]),
    ],
    profiles.MINE: [
        _DISTRIBUTION,
        ("井下采掘作业", "activity", "采掘队", ["33", "12"], ["11", "10", "12"],
         [("敲帮问顶，及时支护", "team", "management"), ("探放水先探后掘", "workshop", "engineering")], ("01", "0201")),
        ("主井提升系统", "installation", "机电队", ["21", "43"], ["04", "09"],
         [("过卷、过速保护每日试验", "team", "engineering"), ("钢丝绳按期检验", "company", "engineering")], ("01", "0201")),
        ("露天采场边坡", "site", "采矿车间", ["32", "43"], ["10", "01"],
         [("边坡位移在线监测，超预警值撤人", "company", "engineering"), ("雨后边坡巡查", "team", "management")], ("0202",)),
        ("炸药库", "site", "爆破队", ["22", "43"], ["14", "13"],
         [("爆破器材出入库双人双锁登记", "post", "management"), ("库区视频监控和防雷设施定期检测", "company", "engineering")],
         ("01", "0201", "0202")),
        ("主通风系统", "installation", "通风队", ["33", "21"], ["19", "15"],
         [("主要通风机双回路供电，备用风机每月切换", "workshop", "engineering"),
          ("风量、风质每旬测定", "team", "management")], ("01", "0201")),
        ("尾矿库", "installation", "尾矿车间", ["32", "43"], ["10", "06"],
         [("干滩长度、安全超高每日观测", "team", "management"), ("在线监测系统有效运行", "company", "engineering")],
         ("0203",)),
        ("排洪系统", "installation", "尾矿车间", ["32"], ["06", "10"],
         [("汛前检查排洪设施并清淤", "company", "engineering"), ("汛期 24 小时值班", "workshop", "management")], ("0203",)),
    ],
    profiles.CONSTRUCTION: [
        _HEIGHT,
        ("深基坑", "site", "土建班组", ["32", "43"], ["10", "06"],
         [("按专项方案支护和降排水", "company", "engineering"), ("基坑变形每日监测", "team", "management")]),
        ("外脚手架", "installation", "架子工班组", ["21", "12"], ["09", "10"],
         [("连墙件、剪刀撑按方案设置，验收后使用", "workshop", "engineering"),
          ("架子工持证上岗，系挂安全带", "post", "ppe")]),
        ("塔式起重机", "installation", "安装班组", ["21", "12"], ["04", "01"],
         [("力矩限制器、高度限位器每班检查", "team", "engineering"), ("司机、信号司索工持证上岗", "company", "training")]),
        ("施工临时用电", "installation", "电工班组", ["21", "12"], ["05"],
         [("三级配电、两级漏电保护", "workshop", "engineering"), ("电工每日巡检并记录", "post", "management")]),
    ],
    profiles.TRANSPORT: [
        ("营运客车运输", "activity", "客运车队", ["12", "32"], ["02"],
         [("动态监控超速、疲劳驾驶实时提醒", "company", "engineering"),
          ("凌晨 2 时至 5 时停车休息", "team", "management")], ("0701",)),
        ("货车运输", "activity", "货运车队", ["12", "32"], ["02"],
         [("不超载，货物装载加固", "team", "management"), ("动态监控超速、疲劳驾驶提醒", "company", "engineering")],
         ("0702",)),
        ("危险货物运输车辆", "installation", "危运车队", ["22", "12"], ["02", "08", "19"],
         [("罐体、标志和押运人员出车前检查", "team", "management"), ("配备应急处置器材和防护用品", "post", "ppe")],
         ("0703",)),
        ("维修车间举升作业", "activity", "维修车间", ["21", "12"], ["03", "01"],
         [("举升机保险装置每日检查", "team", "engineering"), ("车辆举升后不在车下长时间停留", "post", "management")]),
        ("停车场", "site", "车队", ["32", "12"], ["02", "08"],
         [("场内限速 5 km/h，人车分流", "workshop", "management"), ("配置灭火器并每月检查", "team", "engineering")]),
        ("驾驶员岗位", "post", "安全科", ["11", "12"], ["02"],
         [("出车前安全告诫和酒精检测", "post", "management"), ("驾驶员每月安全教育", "company", "training")]),
    ],
    profiles.WATERWAY: [
        ("客船运输", "activity", "船队", ["32", "12"], ["06", "08"],
         [("不超载，开航前清点乘客", "post", "management"), ("救生设备与乘客定额相符", "team", "ppe")]),
        ("码头装卸作业", "activity", "码头作业区", ["21", "32"], ["04", "06"],
         [("临水边缘设置护栏和救生圈", "workshop", "engineering"), ("起重作业专人指挥", "team", "management")]),
        ("船舶机舱", "site", "轮机部", ["21", "22"], ["08", "07"],
         [("机舱油污每日清理", "team", "management"), ("消防泵每周试运行", "post", "engineering")]),
        ("渡口", "site", "渡运站", ["32", "43"], ["06"],
         [("大风、大雾天气停航", "company", "management"), ("渡口设置安全警示标志", "workshop", "engineering")]),
    ],
    profiles.PUBLIC: [
        _DISTRIBUTION,
        ("营业场所", "site", "营业部", ["31", "43"], ["08", "20"],
         [("安全出口、疏散通道保持畅通", "post", "management"), ("高峰期限流", "company", "management"),
          ("每半年组织一次疏散演练", "company", "emergency")]),
        ("后厨燃气", "installation", "后勤部", ["22", "21"], ["08", "18"],
         [("安装可燃气体报警器并与切断阀联锁", "workshop", "engineering"), ("每日收市后关闭燃气总阀", "post", "management")]),
        ("电动自行车停放充电区", "site", "物业部", ["21", "43"], ["08"],
         [("集中停放、充电，定时断电", "workshop", "engineering"), ("禁止进楼入户", "company", "management")]),
        ("库房", "site", "仓储部", ["31", "21"], ["08", "01"],
         [("货物与灯具保持 0.5 米以上", "team", "management"), ("库房禁止吸烟和明火", "post", "management")]),
    ],
    profiles.UTILITY: [
        _BOILER, _HEIGHT,
        ("变配电室", "installation", "运行班", ["21", "43"], ["05", "08"],
         [("执行工作票、操作票制度", "workshop", "management"), ("防误闭锁装置定期检查", "team", "engineering")]),
        ("电梯", "installation", "物业部", ["21", "43"], ["04", "09"],
         [("电梯每 15 日维护保养", "company", "engineering"), ("轿厢内张贴应急救援电话", "post", "management")]),
        ("压力容器区", "installation", "检修班", ["21", "22"], ["17"],
         [("压力容器按期检验", "company", "engineering"), ("安全附件每月检查", "team", "engineering")]),
        ("电缆隧道", "site", "检修班", ["33", "12"], ["19", "05"],
         [("有限空间作业审批和气体检测", "workshop", "management"), ("隧道内照明、通风设施完好", "team", "engineering")]),
    ],
    profiles.FARM: [
        ("拖拉机田间作业", "activity", "农机队", ["12", "32"], ["02", "03"],
         [("驾驶人持证，不违规载人", "post", "management"), ("作业前检查制动、灯光", "team", "engineering")]),
        ("联合收割机", "installation", "农机队", ["21", "12"], ["03"],
         [("传动部位防护罩齐全", "team", "engineering"), ("清理堵塞前熄火停机", "post", "management")]),
        ("农机维修间", "site", "维修组", ["21", "31"], ["03", "05"],
         [("砂轮机、电焊机定期检查", "team", "engineering"), ("维修作业佩戴防护用品", "post", "ppe")]),
        ("油料库", "site", "维修组", ["22", "43"], ["08"],
         [("配备灭火器材，严禁烟火", "team", "management"), ("油料出入库登记", "post", "management")]),
    ],
}


def points_for(enterprise: Enterprise) -> list[tuple]:
    """The risk points an enterprise of this industry may have."""
    code = enterprise.industry.code
    return [p[:6] for p in POINTS[profiles.profile_for(code)] if profiles.fits(p[6] if len(p) > 6 else None, code)]


LEC_L = [10, 6, 3, 1, 0.5]
LEC_E = [10, 6, 3, 2, 1]
LEC_C = [100, 40, 15, 7, 3, 1]
SERVICE_ENTERPRISES = 30
GENERATED_FOR = 6
BULK_POINTS_PER_ENTERPRISE = 2


def _jitter(rng: random.Random, value) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value) + Decimal(str(round(rng.uniform(-0.004, 0.004), 6)))).quantize(Decimal("0.000001"))


def _inputs(rng: random.Random, method: str) -> dict:
    if method == "lec":
        return {"l": rng.choice(LEC_L), "e": rng.choice(LEC_E), "c": rng.choice(LEC_C)}
    return {"l": rng.randint(1, 5), "s": rng.randint(1, 5)}


def build_demo(seed: int = 0) -> dict:
    """Risk points, assessments, measures, generated checks and grades for the demo city;
    answers counts for the demo command's summary."""
    rng = random.Random(seed)
    admin = User.objects.filter(is_demo=True, username="admin").first() or User.objects.filter(
        is_superuser=True).first()
    enterprises = list(Enterprise.objects.filter(is_demo=True, is_voided=False).select_related("industry")
                       .order_by("pk"))
    if not enterprises or admin is None:
        return {"risk_points": 0}
    factors = {f.code: f for f in HazardFactorClass.objects.all()}
    types = {t.code: t for t in AccidentType.objects.filter(scheme="GB6441-1986")}
    made = measures = generated = 0
    with transaction.atomic():
        for ent in enterprises[:SERVICE_ENTERPRISES]:
            pool = points_for(ent)
            for name, kind, dept, fcodes, tcodes, ms in rng.sample(pool, min(len(pool), rng.randint(3, 5))):
                point = services.create_risk_point(actor=admin, enterprise=ent, data={
                    "name": name, "kind": kind, "department": dept, "location": f"{ent.name[:12]}{dept}",
                    "longitude": _jitter(rng, ent.longitude), "latitude": _jitter(rng, ent.latitude),
                    "responsible_name": ent.safety_manager_name or "安全员", "responsible_phone":
                        ent.safety_manager_phone, "emergency_measures": "立即停止作业，撤离人员，报告值班领导；"
                                                                         "火灾时拨打 119，受伤拨打 120。",
                    "hazard_factors": [factors[c] for c in fcodes if c in factors],
                    "accident_types": [types[c] for c in tcodes if c in types], "is_demo": True})
                method = rng.choice(["lec", "lec", "ls"])
                services.assess_risk_point(point, actor=admin, method=method, inputs=_inputs(rng, method),
                                           note="演示数据")
                for content, level, mtype in ms:
                    services.create_measure(point, actor=admin, data={
                        "content": content, "control_level": level, "measure_type": mtype,
                        "owner_name": ent.safety_manager_name or ""})
                    measures += 1
                made += 1
        operating = [e for e in enterprises[:SERVICE_ENTERPRISES] if e.status == "operating"]
        for ent in operating[:GENERATED_FOR]:
            services.generate_check_items(ent, actor=admin)
            generated += 1
    made += _bulk_points(rng, enterprises[SERVICE_ENTERPRISES:], admin)
    services.refresh_all_enterprise_grades()
    return {"risk_points": made, "control_measures": measures, "risk_checklists_generated_for": generated}


def _bulk_points(rng: random.Random, enterprises: list[Enterprise], admin) -> int:
    """The rest of the city: risk points with one assessment each, written in bulk."""
    profiles = {p.code: p for p in RiskProfile.objects.all()}
    now = timezone.now()
    points, pending = [], []
    for ent in enterprises:
        for name, kind, dept, _f, _t, _m in rng.sample(points_for(ent), BULK_POINTS_PER_ENTERPRISE):
            method = rng.choice(["lec", "lec", "ls"])
            result = evaluation.evaluate(method, _inputs(rng, method))
            points.append(RiskPoint(
                enterprise=ent, region_path=ent.region_path, industry_id=ent.industry_id, grid_id=ent.grid_id,
                name=name, kind=kind, department=dept, location=dept, longitude=_jitter(rng, ent.longitude),
                latitude=_jitter(rng, ent.latitude), responsible_name=ent.safety_manager_name or "安全员",
                level=result.level, score=result.score, method=method, profile=profiles[result.profile.code],
                last_assessed_at=now, is_demo=True, created_by=admin))
            pending.append(result)
    with transaction.atomic():
        RiskPoint.objects.bulk_create(points, batch_size=2000)
        RiskAssessment.objects.bulk_create([RiskAssessment(
            risk_point=p, method=r.method, inputs={k: evaluation.format_number(v) for k, v in r.inputs.items()},
            score=r.score, level=r.level, profile=profiles[r.profile.code], profile_code=r.profile.code,
            bands=r.profile.snapshot(), assessed_by=admin, assessed_at=now, note="演示数据（批量）")
            for p, r in zip(points, pending, strict=True)], batch_size=2000)
    return len(points)
