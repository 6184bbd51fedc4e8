"""The regulatory numbers of the obligations shipped with Anjian (``ObligationParameter``, loaded by
``obligations.0004_load_standardisation_reference`` and edited by administrators afterwards: the
loader creates missing rows and never changes existing ones)."""

from __future__ import annotations

PARAMETERS = [
    {
        "code": "std_spot_check_share",
        "name": "安全生产标准化达标企业年度抽查比例",
        "value": "30.00",
        "unit": "%",
        "source": "地方年度工作要点（种子文件：某区安全生产工作要点“推进企业安全生产标准化”一节）：“对30%以上已达标的企业"
                  "开展抽查，对不符合达标要求的企业一律实行摘牌处理”。《企业安全生产标准化建设定级办法》"
                  "（应急管理部，2021年10月27日，文号应急〔2021〕83号待确认）中关于定级部门抽查的条款及比例："
                  "未能读到原文，待确认。30%为地方工作要点的数字，请按本辖区文件修改。",
        "certainty": "unconfirmed",
    },
]


def load(apps) -> None:
    """Create the missing parameters (idempotent; never changes existing rows)."""
    Parameter = apps.get_model("obligations", "ObligationParameter")
    for row in PARAMETERS:
        row = dict(row)
        Parameter.objects.get_or_create(code=row.pop("code"), defaults=row)
