"""Reference data of the risks app: evaluation profiles with their bands, the allowed L/E/C/S
values with their meanings, the major-source grade rule and the supervision frequencies.

``load(apps)`` creates only what is missing (by natural key), so running it again — from the
data migration, from ``reference.ensure()`` after a test flush — changes nothing an
administrator set. Facts from /work/shared/domain/REGULATIONS.md §3 (marked [VAR] there: hence data).
"""

from decimal import Decimal

# (code, name, method, is_default, sort, note, [(level, lower_bound, lower_inclusive), ...])
PROFILES = [
    ("LEC-V1", "LEC V1（S33：下限包含）", "lec", False, 10,
     "Source S33 (a generic enterprise document): >320 major, 160–320 high, 70–159 moderate, 20–69 low. "
     "Lower-inclusive: 160, 70 and 20 belong to the higher band; 320 belongs to high. "
     "S33 leaves D < 20 'not graded' (稍有危险，可以接受); we map it to low so every score has a level. "
     "Certainty: [VAR] — no official guidance prescribes an LEC→colour mapping.",
     [("major", "320", False), ("high", "160", True), ("moderate", "70", True), ("low", "0", True)]),
    ("LEC-V2", "LEC V2（S29：建筑企业）", "lec", False, 20,
     "Source S29 (a construction company document): >320 (1级) major, 160–320 (2级) high, 70–160 (3级) "
     "moderate, <70 (4级) low. The source lists 160 in both the high and the moderate band; our reading: "
     "160 belongs to high (the band it is listed in first, as its lower bound), so moderate is 70 ≤ D < 160. "
     "Certainty: [VAR].",
     [("major", "320", False), ("high", "160", True), ("moderate", "70", True), ("low", "0", True)]),
    ("LEC-V3", "LEC V3（S34：上限包含，默认）", "lec", True, 30,
     "Source S34 (deployed code), upper-inclusive bands: D > 160 major; 70 < D ≤ 160 high; 20 < D ≤ 70 "
     "moderate; D ≤ 20 low. Chosen as the default for LEC because no official guidance exists "
     "(REGULATIONS.md §3.2) and it is the strictest of the three (D > 160 is already major), so a risk "
     "is never graded lower than another shipped reading would grade it; it is also the mapping "
     "deployed software uses. Administrators can choose another default. Certainty: [VAR].",
     [("major", "160", False), ("high", "70", False), ("moderate", "20", False), ("low", "0", True)]),
    ("LS-A", "LS-A（S38：煤矿风险文件，默认）", "ls", True, 40,
     "Source S38 (coal-mine risk document): R 20–25 major, 9–16 high, 4–8 moderate, 1–3 low (轻微). "
     "Chosen as the default for LS because it is the stricter of the two (R = 9 is high, not moderate); "
     "no official LS thresholds were found (REGULATIONS.md §3.3). Certainty: [VAR].",
     [("major", "20", True), ("high", "9", True), ("moderate", "4", True), ("low", "0", True)]),
    ("LS-B", "LS-B（S39：期刊论文）", "ls", False, 50,
     "Source S39 (a journal paper that says it follows the national four-colour rule): R 20–25 major, "
     "10–16 high, 4–9 moderate, 1–3 low. Certainty: [VAR].",
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

SOURCE_GRADE_NOTE = ("Our rule, not a regulation: an enterprise with a major hazard source of this grade "
                     "(GB 18218, grade 1 gravest) is at least of this overall risk level. Editable.")
SOURCE_GRADES = [(1, "major"), (2, "major"), (3, "high"), (4, "moderate")]

FREQUENCY_NOTE = ("Example default, not from a regulation: the bureau sets the planned number of "
                  "regulator inspections a year per overall risk level.")
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
