"""Which sensor kinds a major hazard source must have, by facility type (loaded by migration 0002
into ``SensorRequirement``; administrators edit it there).

The rule: 《危险化学品重大危险源监督管理暂行规定》(原国家安全监管总局令第40号，第79号令修正)
第十三条 — 重大危险源配备温度、压力、液位、流量、组份等信息的不间断采集和监测系统以及可燃气体
和有毒有害气体泄漏检测报警装置，并具备信息远传、连续记录、事故预警、信息存储等功能（一）；储存
剧毒物质的场所或者设施设置视频监控系统（四）. The article names the kinds of data, not which
facility needs which: the mapping below (a tank farm: level, temperature, pressure, gas; a
process unit: temperature, pressure, flow, gas; a warehouse: gas, temperature, video) is our
reading and is marked unconfirmed. The wording of Art. 13 was read from secondary copies, so the
article itself is marked [C] in the note, not verified against the gazette."""

SOURCE = "《危险化学品重大危险源监督管理暂行规定》（总局令第40号）"
ART = "第十三条第（一）项"
VIDEO_ART = "第十三条第（四）项"
NOTE = "条文列出应采集的参数种类，未按设施类型区分；按设施类型的对应为本平台的理解，待确认。条文取自二手文本。"

REQUIREMENTS = [
    # (facility type, kind, article, confirmed, note)
    ("tank_farm", "level", ART, False, NOTE),
    ("tank_farm", "temperature", ART, False, NOTE),
    ("tank_farm", "pressure", ART, False, NOTE),
    ("tank_farm", "combustible_gas", ART, False, NOTE),
    ("tank_farm", "toxic_gas", ART, False, NOTE + "仅储存有毒物质时适用。"),
    ("process_unit", "temperature", ART, False, NOTE),
    ("process_unit", "pressure", ART, False, NOTE),
    ("process_unit", "flow", ART, False, NOTE),
    ("process_unit", "combustible_gas", ART, False, NOTE),
    ("warehouse", "temperature", ART, False, NOTE),
    ("warehouse", "combustible_gas", ART, False, NOTE),
    ("warehouse", "video", VIDEO_ART, False, "条文要求储存剧毒物质的场所设置视频监控；对所有库区的要求为本平台的理解，待确认。"),
]
