"""The licence kinds shipped with Anjian (reference data, loaded by the migration
``obligations.0002_load_licence_kinds`` and editable by administrators afterwards: the loader
creates missing kinds and never changes existing ones).

Each kind says which industries of the taxonomy (``enterprises/data/industries.py``, each with its
sub-sectors) must hold it before operating, how long it is valid, and the document and article it
rests on. ``certainty`` is "confirmed" only where the article's wording was seen; where the
industries are our reading of the text (e.g. the scope of a sector), or the validity was not
found in the text, the kind is marked unconfirmed and the note says which part."""

from __future__ import annotations

KINDS = [
    {
        "code": "safety_production",
        "name": "安全生产许可证",
        "issuer": "省级应急管理部门（非煤矿山、危险化学品、烟花爆竹生产企业）；矿山安全监察机构（煤矿）；"
                  "住房城乡建设主管部门（建筑施工企业）；国防科技工业主管部门（民用爆炸物品生产企业）",
        "validity_years": 3,
        "industries": ["01", "02", "0301", "0401", "06", "12"],
        "source": "《安全生产许可证条例》（国务院令第397号，2004年，2013、2014年修订）第二条：国家对矿山企业、"
                  "建筑施工企业和危险化学品、烟花爆竹、民用爆炸物品生产企业实行安全生产许可制度，企业未取得"
                  "安全生产许可证的，不得从事生产活动；第九条：有效期为3年。第三条至第五条规定颁发管理机关。"
                  "本平台将“民用爆炸物品”整个行业（12）列入，条例只及于其生产企业：此处为我们的读法。",
        "certainty": "confirmed",
        "sort": 10,
    },
    {
        "code": "hazchem_trading",
        "name": "危险化学品经营许可证",
        "issuer": "设区的市级应急管理部门（带储存设施的）；县级应急管理部门（不带储存设施的）",
        "validity_years": 3,
        "industries": ["0302", "0303"],
        "source": "《危险化学品安全管理条例》（国务院令第591号，2013年修订）第三十三条：国家对危险化学品经营"
                  "（包括仓储经营）实行许可制度，未经许可不得经营危险化学品；《危险化学品经营许可证管理办法》"
                  "（原国家安全监管总局令第55号，2015年修正）。有效期3年及发证机关的分级：未核对原文条款，待确认。",
        "certainty": "unconfirmed",
        "sort": 20,
    },
    {
        "code": "fireworks_wholesale",
        "name": "烟花爆竹经营（批发）许可证",
        "issuer": "设区的市级应急管理部门",
        "validity_years": 3,
        "industries": ["0402"],
        "source": "《烟花爆竹安全管理条例》（国务院令第455号，2016年修订）第三条：国家对烟花爆竹的生产、经营、"
                  "运输和举办焰火晚会等大型焰火燃放活动实行许可证制度；《烟花爆竹经营许可实施办法》"
                  "（原国家安全监管总局令第65号）。有效期及发证机关：未核对原文条款，待确认。",
        "certainty": "unconfirmed",
        "sort": 30,
    },
    {
        "code": "fireworks_retail",
        "name": "烟花爆竹经营（零售）许可证",
        "issuer": "县级应急管理部门",
        "validity_years": 2,
        "industries": ["0403"],
        "source": "《烟花爆竹安全管理条例》（国务院令第455号，2016年修订）第三条、第十九条；《烟花爆竹经营许可"
                  "实施办法》（原国家安全监管总局令第65号）。零售许可证有效期（本平台取2年）：未核对原文条款，待确认。",
        "certainty": "unconfirmed",
        "sort": 40,
    },
    {
        "code": "hazchem_use",
        "name": "危险化学品安全使用许可证",
        "issuer": "设区的市级应急管理部门",
        "validity_years": 3,
        "industries": [],
        "source": "《危险化学品安全管理条例》第二十九条；《危险化学品安全使用许可证实施办法》（原国家安全监管"
                  "总局令第57号）：使用危险化学品从事生产且使用量达到规定数量的化工企业。是否需要取决于使用量，"
                  "不能按行业判断，故未列行业；有效期待确认。",
        "certainty": "unconfirmed",
        "sort": 50,
    },
    {
        "code": "road_transport",
        "name": "道路运输经营许可证",
        "issuer": "县级以上道路运输管理机构（交通运输主管部门）",
        "validity_years": None,
        "industries": ["07"],
        "source": "《中华人民共和国道路运输条例》：从事道路客运、货运（含危险货物运输）经营应当取得道路运输"
                  "经营许可证。条款号、有效期均未核对原文，待确认。",
        "certainty": "unconfirmed",
        "sort": 60,
    },
]


def load(apps) -> None:
    """Create the missing kinds with their industries (idempotent; never changes existing rows)."""
    Kind = apps.get_model("obligations", "LicenceKind")
    Industry = apps.get_model("enterprises", "Industry")
    for row in KINDS:
        row = dict(row)
        codes = row.pop("industries")
        code = row.pop("code")
        kind, created = Kind.objects.get_or_create(code=code, defaults=row)
        if created and codes:
            kind.industries.set(Industry.objects.filter(code__in=codes))
