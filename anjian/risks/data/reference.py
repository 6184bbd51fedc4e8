"""Reference data of the risks app: evaluation profiles with their bands, the allowed L/E/C/S
values with their meanings, the major-source grade rule and the supervision frequencies.

``load(apps)`` creates only what is missing (by natural key), so running it again — from the
data migration, from ``reference.ensure()`` after a test flush — changes nothing an
administrator set. Facts from /work/shared/domain/REGULATIONS.md §3 (marked [VAR] there: hence data).
"""

from decimal import Decimal

# (code, name, method, is_default, sort, note, [(level, lower_bound, lower_inclusive), ...])
PROFILES = [
    ("LEC-V1", "LEC 方案一（下限包含）", "lec", False, 10,
     "来源：一份通用企业文件。D>320 重大，160–320 较大，70–159 一般，20–69 低。下限包含：160、70、20 归入较高一级；320 属于较大。原文把 D<20 列为“稍有危险，可以接受”而不定级，本平台将其归为低风险，使每个分值都有等级。可信度：各来源说法不一，没有官方文件规定 LEC 分值与四色等级的对应关系。",
     [("major", "320", False), ("high", "160", True), ("moderate", "70", True), ("low", "0", True)]),
    ("LEC-V2", "LEC 方案二（建筑企业文件）", "lec", False, 20,
     "来源：一家建筑企业的文件。D>320（1级）重大，160–320（2级）较大，70–160（3级）一般，<70（4级）低。原文把 160 同时列入较大和一般两级；本平台的理解：160 属于较大（它作为下限首先出现的一级），因此一般为 70≤D<160。可信度：各来源说法不一。",
     [("major", "320", False), ("high", "160", True), ("moderate", "70", True), ("low", "0", True)]),
    ("LEC-V3", "LEC 方案三（上限包含）", "lec", True, 30,
     "来源：一款已投入使用的软件。上限包含——D>160 重大；70<D≤160 较大；20<D≤70 一般；D≤20 低。选为 LEC 默认方案，因为没有官方规定，而它是三种中最严格的（D>160 即为重大），风险等级不会低于其他任一方案的判定；它也是已投入使用的软件采用的对应关系。管理员可改选其他默认方案。可信度：各来源说法不一。",
     [("major", "160", False), ("high", "70", False), ("moderate", "20", False), ("low", "0", True)]),
    ("LS-A", "LS 方案一（煤矿风险文件）", "ls", True, 40,
     "来源：一份煤矿风险管控文件。R 20–25 重大，9–16 较大，4–8 一般，1–3 低（轻微）。选为 LS 默认方案，因为它是两种中较严格的（R=9 为较大而非一般）；未找到官方 LS 分级标准。可信度：各来源说法不一。",
     [("major", "20", True), ("high", "9", True), ("moderate", "4", True), ("low", "0", True)]),
    ("LS-B", "LS 方案二（期刊论文）", "ls", False, 50,
     "来源：一篇期刊论文（称依据国家四色分级）。R 20–25 重大，10–16 较大，4–9 一般，1–3 低。可信度：各来源说法不一。",
     [("major", "20", True), ("high", "10", True), ("moderate", "4", True), ("low", "0", True)]),
]

# (method, factor, value, meaning, meaning_en)
VALUES = [
    ("lec", "l", "10", "完全可以预料", "Fully expected"),
    ("lec", "l", "6", "相当可能", "Quite possible"),
    ("lec", "l", "3", "可能，但不经常", "Possible but unusual"),
    ("lec", "l", "1", "可能性小，完全意外", "Unlikely, fully accidental"),
    ("lec", "l", "0.5", "很不可能，可以设想", "Very unlikely but conceivable"),
    ("lec", "l", "0.2", "极不可能", "Extremely unlikely"),
    ("lec", "l", "0.1", "实际不可能", "Practically impossible"),
    ("lec", "e", "10", "连续暴露", "Continuous exposure"),
    ("lec", "e", "6", "每天工作时间内暴露", "Daily, during working hours"),
    ("lec", "e", "3", "每周一次或偶然暴露", "Weekly, or occasional"),
    ("lec", "e", "2", "每月一次暴露", "Monthly"),
    ("lec", "e", "1", "每年几次暴露", "A few times a year"),
    ("lec", "e", "0.5", "非常罕见地暴露", "Very rarely"),
    ("lec", "c", "100", "大灾难，许多人死亡", "Catastrophe, many deaths"),
    ("lec", "c", "40", "灾难，数人死亡", "Disaster, several deaths"),
    ("lec", "c", "15", "非常严重，一人死亡", "Very serious, one death"),
    ("lec", "c", "7", "严重，重伤", "Serious, severe injury"),
    ("lec", "c", "3", "重大，致残", "Major, disability"),
    ("lec", "c", "1", "引人注目，需要救护", "Noticeable, needs first aid"),
    ("ls", "l", "5", "无预防、监测、保护措施或危害不能被发觉，正常情况下经常发生",
     "No prevention/monitoring/protection, or the event often happens"),
    ("ls", "l", "4", "危害难以发觉，或管控措施未有效落实", "Hazard hard to detect, or controls not effectively implemented"),
    ("ls", "l", "3", "无防护措施或未严格执行规程，或曾发生过类似事件",
     "No protection, procedures not strictly followed, or similar events happened"),
    ("ls", "l", "2", "危害能及时发现并定期监测，措施有效，偶尔发生过",
     "Hazard detected promptly, regular monitoring, effective controls, occasional past events"),
    ("ls", "l", "1", "管控措施完善有效，安全意识很高，极不可能发生",
     "Full and effective controls, very high awareness, extremely unlikely"),
    ("ls", "s", "5", "违反法律法规和标准；死亡；损失≥100万元；停工2套以上；重大国际影响",
     "Breach of law; death; loss ≥ 1M yuan; > 2 units stopped; international impact"),
    ("ls", "s", "4", "潜在违法；永久致残；损失≥50万元；2套装置停工；行业或省级影响",
     "Potential breach; permanent disability; ≥ 500k yuan; 2 units stopped; provincial impact"),
    ("ls", "s", "3", "不符合公司规章；截肢、骨折、听力丧失、慢性病；损失≥1万元；1套装置停工；地区影响",
     "Breach of company rules; amputation/fracture/chronic disease; ≥ 10k yuan; 1 unit stopped"),
    ("ls", "s", "2", "不符合操作规程；轻微受伤；损失<1万元；轻微停工；公司内影响",
     "Breach of operating procedure; minor injury; < 10k yuan; company-level impact"),
    ("ls", "s", "1", "完全符合；无伤亡；无损失；无停工；无形象影响", "Fully compliant; no injury, loss or stoppage"),
]

SOURCE_GRADE_NOTE = "本平台的规则，并非法规规定：有该级别重大危险源（GB 18218，一级最高）的企业，整体风险等级至少为此等级。可修改。"
SOURCE_GRADES = [(1, "major"), (2, "major"), (3, "high"), (4, "moderate")]

FREQUENCY_NOTE = "示例默认值，并非法规规定：由监管部门按企业整体风险等级设定每年计划检查次数。"
FREQUENCIES = [("major", 4), ("high", 2), ("moderate", 1), ("low", 1)]


def load(apps) -> None:
    """Create the missing reference rows (idempotent; never changes existing ones)."""
    Profile = apps.get_model("risks", "RiskProfile")
    Band = apps.get_model("risks", "RiskBand")
    Value = apps.get_model("risks", "FactorValue")
    Grade = apps.get_model("risks", "SourceGradeLevel")
    Frequency = apps.get_model("risks", "SupervisionFrequency")
    for code, name, method, is_default, sort, note, bands in PROFILES:
        if Profile.objects.filter(code=code).exists():
            continue
        default = is_default and not Profile.objects.filter(method=method, is_default=True).exists()
        profile = Profile.objects.create(code=code, name=name, method=method, is_default=default, sort=sort,
                                         note=note)
        Band.objects.bulk_create([Band(profile=profile, level=level, lower_bound=Decimal(bound),
                                       lower_inclusive=inclusive) for level, bound, inclusive in bands])
    for method, factor, value, meaning, meaning_en in VALUES:
        Value.objects.get_or_create(method=method, factor=factor, value=Decimal(value),
                                    defaults={"meaning": meaning, "meaning_en": meaning_en})
    for grade, level in SOURCE_GRADES:
        Grade.objects.get_or_create(grade=grade, defaults={"level": level, "note": SOURCE_GRADE_NOTE})
    for level, per_year in FREQUENCIES:
        Frequency.objects.get_or_create(level=level, defaults={"per_year": per_year, "note": FREQUENCY_NOTE})
