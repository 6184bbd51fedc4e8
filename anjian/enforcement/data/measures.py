"""The compulsory measures (强制措施) an enforcement inspection may decide, each with the legal
basis printed on its decision (强制措施决定书) and how sure we are of that text. The wording of a
basis is our summary of the article, not the article itself."""

from __future__ import annotations

MEASURES: dict[str, dict[str, str]] = {
    "suspend": {
        "basis": "《中华人民共和国安全生产法》（2021年修正）第六十五条第一款第三项、第七十条第一款",
        "summary": "重大事故隐患排除前或者排除过程中无法保证安全的，责令暂时停产停业或者停止使用相关设施、设备",
        "certainty": "unconfirmed",  # Art. 70 confirmed from the text; Art. 65's item numbering from memory
    },
    "stop_construction": {
        "basis": "《中华人民共和国安全生产法》（2021年修正）第七十条第一款",
        "summary": "对存在重大事故隐患的生产经营单位作出停止施工的决定",
        "certainty": "confirmed",
    },
    "stop_power": {
        "basis": "《中华人民共和国安全生产法》（2021年修正）第七十条",
        "summary": "拒不执行停产停业、停止施工决定，有发生生产安全事故的现实危险的，经本部门主要负责人批准，"
                   "书面通知有关单位停止供电；除紧急情形外提前二十四小时通知生产经营单位",
        "certainty": "confirmed",
    },
    "seal_seize": {
        "basis": "《中华人民共和国安全生产法》（2021年修正）第六十五条第一款第四项；《中华人民共和国行政强制法》第二十五条",
        "summary": "查封、扣押不符合标准的设施、设备、器材或者违法的危险物品及其作业场所；期限不超过三十日，"
                   "情况复杂的经负责人批准可延长，延长不超过三十日",
        "certainty": "unconfirmed",  # article numbers from memory; check the official texts
    },
}

#: 查封、扣押: at most this many days, once extendable by as many (行政强制法 Art. 25, unconfirmed).
SEAL_MAX_DAYS = 30
