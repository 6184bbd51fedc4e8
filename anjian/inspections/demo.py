"""Demo inspections for `anjian demo`: self-inspection duties for a sample of the demo
enterprises, the past weeks of their tasks (mostly done, some missed, the current ones open),
the submitted records of the done ones with their item results, a few government, grid and
expert inspections, and hazards raised from some found items. Deterministic: the same seed,
enterprises and ``today`` always give the same rows. Every row that has ``is_demo`` has it set.

Rows are bulk-inserted (with their "started"/"submitted" events), not walked through the
services one by one: a few thousand records would otherwise take minutes. Hazards are raised
through ``services.raise_hazard_from_item`` so they are exactly what the product makes.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from anjian.core.demo import profiles
from anjian.core.models import Event
from anjian.enterprises.choices import OperatingStatus
from anjian.enterprises.models import Enterprise
from anjian.hazards.models import Hazard
from anjian.orgs.choices import Role
from anjian.orgs.models import User
from anjian.standards.models import CheckItem, Checklist

from .choices import InspectionKind, ItemResult, RecordState, TaskState
from .models import InspectionCadence, InspectionDuty, InspectionItemResult, InspectionRecord, InspectionTask

# Items of a record whose duty has no checklist (or when no checklist is loaded).
GENERIC_ITEMS = [
    "安全生产责任制及安全管理制度建立并落实",
    "特种作业人员持证上岗",
    "消防通道、安全出口畅通，消防器材完好有效",
    "设备安全防护装置齐全有效",
    "配电设施完好，无私拉乱接",
    "危险化学品分类存放，标识清楚",
    "有限空间作业审批及检测记录完整",
    "应急照明和疏散指示标志完好",
    "劳动防护用品按规定配备和佩戴",
    "安全警示标志设置规范",
]
# What was found when an item failed, by the words of the item (first match wins), so a
# raised hazard's text reads "<the requirement> — found: <what breaks it>", never a finding
# about something else. Items no keyword matches get a neutral note.
FINDINGS_BY_KEYWORD: list[tuple[tuple[str, ...], list[str]]] = [
    (("有限空间", "受限空间"), ["作业前未进行气体检测", "有限空间台账未更新，警示标志缺失"]),
    (("特种作业", "持证", "适任", "驾驶证", "驾驶资格", "从业资格"), ["抽查 3 人，1 人的操作证已过期", "1 名作业人员无证上岗"]),
    (("考核合格",), ["1 名安全管理人员的考核合格证明已过期"]),
    (("应急照明", "疏散指示"), ["2 处应急照明灯不亮", "疏散指示标志缺失"]),
    (("疏散", "安全出口"), ["安全出口被货物堵塞", "疏散通道堆放杂物"]),
    (("消防", "灭火", "消火栓"), ["2 具灭火器压力不足", "室内消火栓箱内水带缺失"]),
    (("防护罩", "防护装置", "保护装置", "联锁", "人机隔离"), ["传动部位防护罩缺失", "安全联锁装置被短接"]),
    (("安全阀", "压力表", "安全附件", "检验", "校验", "检测合格"), ["压力表超过检定有效期", "未按期检验，报告已过期"]),
    (("电气", "配电", "用电", "线路", "漏电", "供电", "电源"), ["配电箱线路绝缘层破损", "私拉乱接临时电线"]),
    (("警示标志", "安全标志"), ["警示标志褪色、缺失"]),
    (("劳动防护", "防护用品", "安全带", "救生衣", "防静电"), ["作业人员未按规定佩戴防护用品"]),
    (("储存", "存放", "混存", "超量"), ["禁忌物料混存", "现场存放量超过规定"]),
    (("报警", "监测", "监控", "定位", "AIS"), ["报警装置未投用", "监测数据中断，未及时处置"]),
    (("演练",), ["本年度未组织应急演练"]),
    (("培训", "教育", "交底"), ["2 名新员工培训记录缺失"]),
    (("脚手架", "模板", "基坑", "临边"), ["未按专项方案搭设，验收记录缺失"]),
    (("超载", "超员", "超速", "超能力", "承载量"), ["抽查发现超限运行，未及时纠正"]),
    (("记录", "台账", "档案", "登记"), ["记录不全，缺近两个月的记录"]),
    (("责任制", "制度", "机构", "管理人员", "协议", "许可"), ["未覆盖全部岗位，职责不清", "文件已过期，未及时更新"]),
]
NEUTRAL_FINDINGS = ["现场抽查发现此项未落实", "部分落实，相关记录不全"]


def finding_for(content: str, rng: random.Random) -> str:
    """What was found when the item ``content`` failed (one random draw, as before)."""
    for words, notes in FINDINGS_BY_KEYWORD:
        if any(word in content for word in words):
            return rng.choice(notes)
    return rng.choice(NEUTRAL_FINDINGS)


GOV_KINDS = [InspectionKind.GOVERNMENT, InspectionKind.GOVERNMENT, InspectionKind.GRID, InspectionKind.EXPERT]


def _person(rng: random.Random) -> str:
    from anjian.core.demo.people import person

    return person(rng)


class _Builder:
    def __init__(self, rng: random.Random, today: date, checklists: list[Checklist],
                 items_by_checklist: dict[int, list[CheckItem]]):
        self.rng = rng
        self.today = today
        self.checklists = checklists
        self.items_by_checklist = items_by_checklist
        self.records: list[InspectionRecord] = []
        self.record_items: list[list[tuple]] = []  # per record: (check_item, item_no, content, result, note)

    def checklist_for(self, enterprise: Enterprise) -> Checklist | None:
        code = enterprise.industry.code
        matching = [c for c in self.checklists if c.industry_id is not None and code.startswith(c.industry.code)]
        general = [c for c in self.checklists if c.industry_id is None]
        pool = matching or general
        return self.rng.choice(pool) if pool else None

    def moment(self, start: date, end: date) -> datetime:
        """A working-hours time on a day between ``start`` and ``end`` (not after today)."""
        end = min(end, self.today)
        day = start + timedelta(days=self.rng.randrange(max((end - start).days, 0) + 1))
        return timezone.make_aware(datetime.combine(day, time(self.rng.randint(8, 16), self.rng.choice((0, 15, 30)))))

    def items(self, checklist: Checklist | None, *, unset: bool = False) -> list[tuple]:
        if checklist is not None and self.items_by_checklist.get(checklist.pk):
            source = [(ci, ci.item_no, ci.content) for ci in self.items_by_checklist[checklist.pk]]
        else:
            chosen = sorted(self.rng.sample(range(len(GENERIC_ITEMS)), 6))
            source = [(None, str(n + 1), GENERIC_ITEMS[i]) for n, i in enumerate(chosen)]
        out = []
        for ci, no, content in source:
            if unset:
                out.append((ci, no, content, "", ""))
                continue
            r = self.rng.random()
            if r < 0.05:
                out.append((ci, no, content, ItemResult.HAZARD_FOUND, finding_for(content, self.rng)))
            elif r < 0.13:
                out.append((ci, no, content, ItemResult.NOT_APPLICABLE, ""))
            else:
                out.append((ci, no, content, ItemResult.PASS, ""))
        return out

    def record(self, enterprise: Enterprise, *, kind: str, at: datetime, checklist: Checklist | None,
               inspector: User | None, names: str, draft: bool = False) -> int:
        """Queue a record (its task, if any, is linked once both have keys); returns its index."""
        self.records.append(InspectionRecord(
            enterprise=enterprise, region_path=enterprise.region_path, industry_id=enterprise.industry_id,
            grid_id=enterprise.grid_id, kind=kind, checklist=checklist, inspector=inspector,
            inspector_names=names, inspected_at=at,
            location=self.rng.choice(profiles.LOCATIONS[profiles.profile_for(enterprise.industry.code)]),
            summary="" if draft else "按检查表逐项检查。", state=RecordState.DRAFT if draft else RecordState.SUBMITTED,
            submitted_at=None if draft else at + timedelta(hours=1), created_by=inspector, is_demo=True))
        self.record_items.append(self.items(checklist, unset=draft))
        return len(self.records) - 1


@transaction.atomic
def build_demo_inspections(enterprises: Iterable[Enterprise], *, seed: int = 20261124, today: date | None = None,
                           share: float = 0.12, weeks: int = 8, always: Iterable[int] = (),
                           hazards: int = 30) -> dict[str, int]:
    """Build the demo inspections over ``enterprises`` (the demo enterprises).

    - ``share`` of the operating enterprises (plus those in ``always`` and those that have a
      demo enterprise log-in) get a weekly and a monthly duty, half of them a quarterly one;
      the enterprises with a log-in also a daily one, so "my tasks" is never empty;
    - ``weeks`` weeks of tasks: past periods done (with a submitted record) or missed by each
      enterprise's own diligence, the current ones open; an enterprise with a log-in has one
      draft in progress and missed its last closed week (so its inbox shows the warning);
    - government, grid and expert inspections of a tenth of the sample;
    - up to ``hazards`` found items raised into the hazard ledger (needs the demo ``admin``).

    Returns counts of what was made."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    if hasattr(enterprises, "select_related"):
        enterprises = enterprises.select_related("industry")
    cadences = {c.code: c for c in InspectionCadence.objects.all()}
    pool = [e for e in sorted(enterprises, key=lambda e: e.pk) if e.status == OperatingStatus.OPERATING
            and not e.is_voided]
    ids = {e.pk for e in pool}
    logins = {u.scope_enterprise_id: u for u in User.objects.filter(role=Role.ENTERPRISE, scope_enterprise_id__in=ids)
              .order_by("pk")}
    always = set(always) | set(logins)
    sample = [e for e in pool if e.pk in always or rng.random() < share]
    checklists = list(Checklist.objects.filter(is_active=True).select_related("industry").order_by("code", "id"))
    items_by_checklist: dict[int, list[CheckItem]] = {}
    for ci in CheckItem.objects.filter(checklist__in=checklists, is_active=True).order_by("sort", "id"):
        items_by_checklist.setdefault(ci.checklist_id, []).append(ci)
    b = _Builder(rng, today, checklists, items_by_checklist)
    start_day = today - timedelta(weeks=weeks)

    # Duties.
    duties: list[InspectionDuty] = []
    plans = []  # (duty index, enterprise, diligence, featured)
    for ent in sample:
        featured = ent.pk in always
        login = logins.get(ent.pk)
        diligence = 0.9 if featured else rng.choice((0.98, 0.95, 0.9, 0.85, 0.75, 0.5))
        codes = ["workshop_weekly", "plant_monthly"]
        if featured:
            codes.insert(0, "team_daily")
        if featured or rng.random() < 0.5:
            codes.append("company_quarterly")
        for code in codes:
            cadence = cadences.get(code)
            if cadence is None:
                continue
            checklist = b.checklist_for(ent) if code != "team_daily" else None
            duties.append(InspectionDuty(
                enterprise=ent, region_path=ent.region_path, industry_id=ent.industry_id, grid_id=ent.grid_id,
                name=cadence.name if code != "workshop_weekly"
                else f"{rng.choice(profiles.UNITS[profiles.profile_for(ent.industry.code)])}周查",
                cadence=cadence, checklist=checklist,
                responsible_name=(login.name if login else _person(rng))[:50], responsible_user=login,
                active_from=start_day - timedelta(days=rng.randrange(7)), is_demo=True))
            plans.append((len(duties) - 1, ent, diligence, featured))
    InspectionDuty.objects.bulk_create(duties, batch_size=1000)

    # Tasks, and the records of the done ones.
    tasks: list[InspectionTask] = []
    task_records: list[tuple[int, int]] = []  # (task index, record index)
    for index, ent, diligence, featured in plans:
        duty = duties[index]
        cadence = duty.cadence
        login = logins.get(ent.pk)
        periods = []
        start = cadence.period_start(duty.active_from)
        while start <= today:
            periods.append(start)
            start = cadence.next_period_start(start)
        last_closed = max((p for p in periods if cadence.period_end(p) < today), default=None)
        for period in periods:
            due = cadence.period_end(period)
            task = InspectionTask(duty=duty, cadence=cadence, enterprise=ent, region_path=ent.region_path,
                                  industry_id=ent.industry_id, grid_id=ent.grid_id, period_start=period,
                                  due_date=due, is_demo=True, state=TaskState.OPEN,
                                  created_at=timezone.make_aware(datetime.combine(period, time(0, 30))))
            tasks.append(task)
            if due >= today:
                # The current period: open; an enterprise with a log-in is half-way through its weekly one.
                if featured and cadence.code == "workshop_weekly":
                    at = min(timezone.now(), timezone.make_aware(datetime.combine(today, time(8, 30))))
                    rec = b.record(ent, kind=InspectionKind.SELF, at=at.replace(second=0, microsecond=0),
                                   checklist=duty.checklist, inspector=login,
                                   names=login.name if login else _person(rng), draft=True)
                    task_records.append((len(tasks) - 1, rec))
                continue
            missed = rng.random() > diligence or (featured and cadence.code == "workshop_weekly"
                                                  and period == last_closed)
            if missed:
                task.state = TaskState.MISSED
                continue
            at = b.moment(period, due)
            rec = b.record(ent, kind=InspectionKind.SELF, at=at, checklist=duty.checklist, inspector=login,
                           names=duty.responsible_name)
            task.state, task.done_at = TaskState.DONE, at + timedelta(hours=1)
            task_records.append((len(tasks) - 1, rec))

    # Government, grid and expert inspections of a tenth of the sample.
    for ent in sample:
        if ent.pk not in always and rng.random() > 0.1:
            continue
        kind = rng.choice(GOV_KINDS)
        if kind == InspectionKind.GRID and ent.grid_id is None:
            kind = InspectionKind.GOVERNMENT
        names = "、".join(_person(rng) for _ in range(2 if kind != InspectionKind.GRID else 1))
        b.record(ent, kind=kind, at=b.moment(start_day, today - timedelta(days=1)), checklist=b.checklist_for(ent),
                 inspector=None, names=names)

    InspectionRecord.objects.bulk_create(b.records, batch_size=1000)
    for t_index, r_index in task_records:
        if tasks[t_index].state == TaskState.DONE:
            tasks[t_index].record = b.records[r_index]
    InspectionTask.objects.bulk_create(tasks, batch_size=2000)
    for t_index, r_index in task_records:  # the records were inserted before their tasks had keys
        b.records[r_index].task = tasks[t_index]
    InspectionRecord.objects.bulk_update([b.records[r] for _t, r in task_records], ["task"], batch_size=1000)

    rows = []
    for record, specs in zip(b.records, b.record_items, strict=True):
        for n, (ci, no, content, result, note) in enumerate(specs):
            rows.append(InspectionItemResult(record=record, check_item=ci, item_no=no or "", content=content,
                                             sort=(n + 1) * 10, result=result, note=note,
                                             checked_at=record.inspected_at if result else None))
    InspectionItemResult.objects.bulk_create(rows, batch_size=2000)

    ct = ContentType.objects.get_for_model(InspectionRecord)
    events = []
    for record in b.records:
        events.append(Event(content_type=ct, object_id=str(record.pk), action="started", actor=record.inspector,
                            at=record.inspected_at, to_state=RecordState.DRAFT, data={"kind": record.kind}))
        if record.state == RecordState.SUBMITTED:
            events.append(Event(content_type=ct, object_id=str(record.pk), action="submitted",
                                actor=record.inspector, at=record.submitted_at, from_state=RecordState.DRAFT,
                                to_state=RecordState.SUBMITTED))
    Event.objects.bulk_create(events, batch_size=2000)

    raised = _raise_hazards(rng, hazards, today)
    return {"inspection duties": len(duties), "inspection tasks": len(tasks),
            "inspection records": len(b.records), "inspection items": len(rows), "hazards from inspections": raised}


def _raise_hazards(rng: random.Random, limit: int, today: date) -> int:
    """Raise some found items of the last four weeks into the ledger, through the service."""
    from . import services

    admin = User.objects.filter(username="admin", is_demo=True).first()
    if admin is None or limit <= 0:
        return 0
    found = list(InspectionItemResult.objects.filter(
        record__is_demo=True, record__state=RecordState.SUBMITTED, result=ItemResult.HAZARD_FOUND,
        hazard__isnull=True, record__inspected_at__gte=timezone.make_aware(
            datetime.combine(today - timedelta(weeks=4), time.min)))
        .select_related("record__enterprise", "check_item").order_by("id"))
    raised = []
    for item in rng.sample(found, min(limit, len(found))):
        check_item = item.check_item
        if check_item is not None and check_item.is_major_criterion and check_item.criterion_id is None:
            continue
        # Several items of one record are raised one after another: each step moves the record's
        # version, so take each from the record as it is now (as a person reloading the page would).
        item.record.refresh_from_db(fields=["version", "state"])
        raised.append(services.raise_hazard_from_item(item, actor=admin).pk)
    Hazard.objects.filter(pk__in=raised).update(is_demo=True)
    return len(raised)
