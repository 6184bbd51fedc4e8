"""Who must have a safety management body, full-time safety staff or a safety director
(``SafetyOrgRequirement``, loaded by ``obligations.0004_load_standardisation_reference``, edited by
administrators afterwards: the loader creates missing rows and never changes existing ones).

Industries are codes of the taxonomy (``enterprises/data/industries.py``, each with its
sub-sectors); tags are feature-tag codes (``enterprises/data/feature_tags.py``). A row applies to an
enterprise of one of its industries or carrying one of its tags (both empty: every enterprise) with
at least ``min_employees`` employees."""

from __future__ import annotations

REQUIREMENTS = [
    {
        "code": "body_high_risk",
        "name": "高危行业设置安全生产管理机构或配备专职安全生产管理人员",
        "kind": "body",
        "industries": ["01", "02", "03", "04", "0501", "06", "07", "08", "12"],
        "tags": [],
        "min_employees": None,
        "source": "《安全生产法》（2021年修正）第二十四条第一款：矿山、金属冶炼、建筑施工、运输单位和危险物品的生产、"
                  "经营、储存、装卸单位，应当设置安全生产管理机构或者配备专职安全生产管理人员。行业代码的对应"
                  "（矿山01/02，危险物品03/04/12，金属冶炼0501，建筑施工06，运输07/08）为本平台的读法；“化工（非危险"
                  "化学品）0305”随危险化学品03一并列入，有色金属冶炼（0502）未列入：请按实际核对。",
        "certainty": "confirmed",
        "sort": 10,
    },
    {
        "code": "body_over_100",
        "name": "从业人员超过一百人的其他生产经营单位设置机构或配备专职人员",
        "kind": "body",
        "industries": [],
        "tags": [],
        "min_employees": 101,
        "source": "《安全生产法》（2021年修正）第二十四条第二款：前款规定以外的其他生产经营单位，从业人员超过一百人的，"
                  "应当设置安全生产管理机构或者配备专职安全生产管理人员；从业人员在一百人以下的，应当配备专职或者"
                  "兼职的安全生产管理人员。",
        "certainty": "confirmed",
        "sort": 20,
    },
    {
        "code": "director",
        "name": "重点行业领域推行安全总监制度",
        "kind": "director",
        "industries": ["0501", "06", "07", "03"],
        "tags": ["dust_explosion", "ammonia_refrigeration"],
        "min_employees": None,
        "source": "地方年度工作要点（种子文件）“落实企业安全总监制度指标”：金属冶炼、建筑施工、船舶修造、道路运输、"
                  "危险化学品、粉尘涉爆、涉氨制冷等行业和领域内规模以上的生产经营单位推行安全总监制度达到100%。"
                  "地方文件，非国家规定；“规模以上”（按营业收入）本平台未建模，船舶修造在行业分类中无对应代码未列入："
                  "待确认，请按本辖区文件修改。",
        "certainty": "unconfirmed",
        "sort": 30,
    },
]


def load(apps) -> None:
    """Create the missing requirements with their industries and tags (idempotent)."""
    Requirement = apps.get_model("obligations", "SafetyOrgRequirement")
    Industry = apps.get_model("enterprises", "Industry")
    Tag = apps.get_model("enterprises", "FeatureTag")
    for row in REQUIREMENTS:
        row = dict(row)
        industries, tags, code = row.pop("industries"), row.pop("tags"), row.pop("code")
        req, created = Requirement.objects.get_or_create(code=code, defaults=row)
        if created:
            req.industries.set(Industry.objects.filter(code__in=industries))
            req.tags.set(Tag.objects.filter(code__in=tags))
