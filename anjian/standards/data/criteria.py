"""The national major-hazard criteria (重大事故隐患判定标准) shipped as reference data.

Compiled from the project's domain fact sheet (shared/domain/REGULATIONS.md §5). Every
criterion text is OUR OWN paraphrase of the topic of an official item, not the official
wording: users must judge against the published text, which the catalogue page says.

Each document carries the fact sheet's status mark (``certainty``) and a ``source_note``
in Chinese saying what is confirmed and what is not. A criterion whose text the fact
sheet marks unconfirmed is loaded with ``is_confirmed=False``; items the fact sheet does
not give at all are left out (and the note says so) rather than invented.

Shape of a document::

    {"code", "title", "document_number", "issuer", "effective_from", "effective_to",
     "industries": [industry codes], "certainty", "source_note",
     "criteria": [(code, section, item number, text, is_confirmed, sub-sector code or None)]}

Dates are ISO strings or None (unknown). Industry codes are those of
anjian/enterprises/data/industries.py.
"""

PARAPHRASE = "条文为本平台依据公开资料所作的转述，并非官方原文；判定时以正式发布的文本为准。"

COAL_2020 = {
    "code": "COAL-2020",
    "title": "煤矿重大事故隐患判定标准",
    "document_number": "应急管理部令第4号",
    "issuer": "应急管理部",
    "effective_from": "2021-01-01",
    "effective_to": None,
    "industries": ["01"],
    "certainty": "C2",
    "source_note": (
        "经两个相互独立的来源核实：2020-11-02 部务会议通过，2020-11-20 签发，"
        "2021-01-01 起施行。第三条列出 15 个方面的重大事故隐患，后续条款逐一细化（细化条款未收录）。"
        + PARAPHRASE
    ),
    "criteria": [
        ("COAL2020-01", "重大事故隐患情形（第三条）", "（一）", "超出核定生产能力、超强度或超过定员标准组织生产。", True, None),
        ("COAL2020-02", "重大事故隐患情形（第三条）", "（二）", "井下瓦斯浓度已超过规定限值仍继续作业。", True, None),
        ("COAL2020-03", "重大事故隐患情形（第三条）", "（三）", "煤与瓦斯突出矿井未落实防突措施。", True, None),
        ("COAL2020-04", "重大事故隐患情形（第三条）", "（四）",
         "高瓦斯矿井、突出矿井没有建成瓦斯抽采系统和安全监控系统，或者系统不能正常运行。", True, None),
        ("COAL2020-05", "重大事故隐患情形（第三条）", "（五）", "矿井通风系统不健全或者运行不可靠。", True, None),
        ("COAL2020-06", "重大事故隐患情形（第三条）", "（六）", "存在严重水害威胁，却没有采取有效的防治措施。", True, None),
        ("COAL2020-07", "重大事故隐患情形（第三条）", "（七）", "超出采矿许可的煤层或者井田范围开采（超层越界）。", True, None),
        ("COAL2020-08", "重大事故隐患情形（第三条）", "（八）", "存在冲击地压危险，却没有采取有效的防治措施。", True, None),
        ("COAL2020-09", "重大事故隐患情形（第三条）", "（九）", "煤层自然发火严重，却没有采取有效的防灭火措施。", True, None),
        ("COAL2020-10", "重大事故隐患情形（第三条）", "（十）", "仍在使用国家明令禁止或者已淘汰的设备、工艺。", True, None),
        ("COAL2020-11", "重大事故隐患情形（第三条）", "（十一）", "矿井没有双回路供电。", True, None),
        ("COAL2020-12", "重大事故隐患情形（第三条）", "（十二）",
         "新建矿井边建设边生产；改扩建期间在改扩建区域生产；或者其他区域的生产超出安全设施设计规定的范围和规模。",
         True, None),
        ("COAL2020-13", "重大事故隐患情形（第三条）", "（十三）",
         "整体承包后未重新取得或者未及时变更安全生产许可证就生产；承包方再次转包；"
         "或者把井下采掘工作面、井巷维修作业以劳务方式承包出去。", True, None),
        ("COAL2020-14", "重大事故隐患情形（第三条）", "（十四）",
         "改制期间没有明确安全生产责任人和安全管理机构；或者改制完成后没有重新取得、变更相关许可证照。", True, None),
        ("COAL2020-15", "重大事故隐患情形（第三条）", "（十五）", "其他重大事故隐患（由标准后续条款具体规定）。", True, None),
    ],
}

NONCOAL_2022 = {
    "code": "NONCOAL-2022",
    "title": "金属非金属矿山重大事故隐患判定标准",
    "document_number": "矿安〔2022〕88号",
    "issuer": "国家矿山安全监察局",
    "effective_from": "2022-09-01",
    "effective_to": None,
    "industries": ["0201", "0202", "0203"],
    "certainty": "C2",
    "source_note": (
        "经两个来源核实：2022-07-08 印发，2022-09-01 起施行，"
        "同时废止安监总管一〔2017〕98号（试行版）。分地下矿山、露天矿山、尾矿库三部分；"
        "地下矿山部分至少 27 项。各部分的确切条目数：未确认。本平台尚未收录条目文本，请以官方文本为准。"
    ),
    "criteria": [],
}

HAZCHEM_2017 = {
    "code": "HAZCHEM-2017",
    "title": "化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）",
    "document_number": "安监总管三〔2017〕121号",
    "issuer": "原国家安全生产监督管理总局",
    "effective_from": None,
    "effective_to": None,
    "industries": ["03"],
    "certainty": "C2",
    "source_note": (
        "共 20 项。第 1–15 项经两个来源核实；第 16–20 项见于两份相互独立的公开转录，"
        "并与一份省级清单的表述一致。2017 年印发，具体印发日期：未确认"
        "（因此未填写施行日期）。" + PARAPHRASE
    ),
    "criteria": [
        ("HC2017-01", "判定情形", "1",
         "危险化学品生产、经营单位的主要负责人或安全生产管理人员，未经安全生产知识和管理能力考核合格。", True, None),
        ("HC2017-02", "判定情形", "2", "从事特种作业的人员没有取得特种作业操作证。", True, None),
        ("HC2017-03", "判定情形", "3",
         "涉及重点监管危险化工工艺、重点监管危险化学品或重大危险源（“两重点一重大”）的装置、设施，"
         "外部安全防护距离达不到国家标准。", True, None),
        ("HC2017-04", "判定情形", "4",
         "采用重点监管危险化工工艺的装置缺少自动化控制或紧急停车系统，或者已配备却未投入使用。", True, None),
        ("HC2017-05", "判定情形", "5",
         "构成一级、二级重大危险源的危险化学品罐区没有紧急切断设施；其中储存毒性气体、液化气体或剧毒液体的，"
         "没有独立的安全仪表系统。", True, None),
        ("HC2017-06", "判定情形", "6", "全压力式液化烃储罐没有注水措施。", True, None),
        ("HC2017-07", "判定情形", "7", "液化烃、液氨、液氯等液化气体装卸时没有使用万向管道充装系统。", True, None),
        ("HC2017-08", "判定情形", "8",
         "光气、氯气等剧毒气体或硫化氢的输送管道，穿越厂区（化工园区）以外的公共区域。", True, None),
        ("HC2017-09", "判定情形", "9", "穿越生产区的地区架空电力线路不符合国家标准。", True, None),
        ("HC2017-10", "判定情形", "10", "在役化工装置从未经过正规设计，也没有进行安全设计诊断。", True, None),
        ("HC2017-11", "判定情形", "11", "仍在使用列入淘汰落后安全技术工艺、设备目录的工艺或设备。", True, None),
        ("HC2017-12", "判定情形", "12",
         "可能泄漏可燃、有毒有害气体的场所没有检测报警装置；或者爆炸危险区域内使用非防爆电气设备。", True, None),
        ("HC2017-13", "判定情形", "13",
         "朝向有火灾、爆炸危险装置的控制室或机柜间，防火、抗爆性能达不到国家标准。", True, None),
        ("HC2017-14", "判定情形", "14", "化工生产装置没有双重电源供电，或者自动化控制系统没有不间断电源。", True, None),
        ("HC2017-15", "判定情形", "15", "安全阀、爆破片等安全附件没有正常投用。", True, None),
        ("HC2017-16", "判定情形", "16",
         "没有建立与岗位相对应的全员安全生产责任制，或者没有制定、实施事故隐患排查治理制度。", True, None),
        ("HC2017-17", "判定情形", "17", "没有操作规程和工艺控制指标。", True, None),
        ("HC2017-18", "判定情形", "18",
         "动火、进入受限空间等特殊作业的管理制度未按国家标准建立，或者建立后没有执行。", True, None),
        ("HC2017-19", "判定情形", "19",
         "新工艺未经小试、中试和工业化试验就直接工业化生产；国内首次使用的化工工艺未经省级有关部门组织安全可靠性论证；"
         "新建装置没有试生产方案就投料开车；或者精细化工企业没有开展反应安全风险评估。", True, None),
        ("HC2017-20", "判定情形", "20",
         "危险化学品没有按区、按类储存，超量或超品种储存，或者禁忌物料混放混存。", True, None),
    ],
}

FIREWORKS_2017 = {
    "code": "FIREWORKS-2017",
    "title": "烟花爆竹生产经营单位重大生产安全事故隐患判定标准（试行）",
    "document_number": "",
    "issuer": "原国家安全生产监督管理总局",
    "effective_from": None,
    "effective_to": None,
    "industries": ["04"],
    "certainty": "CODE",
    "source_note": (
        "仅见于公开转录，据其共 20 项。2017 年印发；是否与化工标准在同一通知"
        "（安监总管三〔2017〕121号）中印发：未确认，故未填写文号。本平台尚未收录条目文本。"
    ),
    "criteria": [],
}

INDTRADE_SECTION_MGMT = "管理类（第三条）"
INDTRADE_SECTION_METAL = "行业类·冶金（第四条）"
INDTRADE_SECTION_BUILD = "行业类·建材（第六条）"
INDTRADE_SECTION_MACH = "行业类·机械（第七条）"
INDTRADE_SECTION_DUST = "专项类·粉尘爆炸"
INDTRADE_SECTION_AMMONIA = "专项类·液氨制冷"
INDTRADE_SECTION_CONFINED = "专项类·有限空间"

INDTRADE_2023 = {
    "code": "INDTRADE-2023",
    "title": "工贸企业重大事故隐患判定标准",
    "document_number": "应急管理部令第10号",
    "issuer": "应急管理部",
    "effective_from": "2023-05-15",
    "effective_to": None,
    "industries": ["05"],
    "certainty": "C2",
    "source_note": (
        "经两个以上来源核实：2023-03-20 部务会议通过，2023-04-14 签发，2023-05-15 起施行。"
        "共 64 项＝管理类 3 项＋行业类 47 项（冶金、有色、建材、机械、轻工、纺织、烟草 7 个行业）＋专项类 14 项"
        "（粉尘爆炸、液氨制冷、有限空间 3 个领域）。适用于冶金、有色、建材、机械、轻工、纺织、烟草、商贸企业；"
        "这些企业中的危险化学品、消防、燃气、特种设备隐患按各自标准判定。"
        "已收录：管理类 3 项（两个来源核实）；冶金前 4 项（一个来源核实，其余条目及条数未确认）；建材 8 项"
        "（一个来源核实）；机械前 2 项（一个来源核实，其余未确认）；专项类条目为公开汇总的要点（一个来源核实），2023 年版各领域条数未确认（2017 年版为 10＋2＋2）。"
        "未收录：有色、轻工、纺织、烟草的 2023 年条文（未确认，不能假定与 2017 年版相同）；液氨制冷第三项（未确认）。"
        "专项类条目序号为本平台编排。" + PARAPHRASE
    ),
    "criteria": [
        ("GM2023-GL01", INDTRADE_SECTION_MGMT, "（一）",
         "对承包单位、承租单位的安全生产没有统一协调、管理，或者没有定期对其进行安全检查。", True, None),
        ("GM2023-GL02", INDTRADE_SECTION_MGMT, "（二）",
         "特种作业人员没有按规定经专门安全培训并取得相应资格，就上岗作业。", True, None),
        ("GM2023-GL03", INDTRADE_SECTION_MGMT, "（三）",
         "金属冶炼企业的主要负责人、安全生产管理人员没有经过考核合格。", True, None),
        ("GM2023-YJ01", INDTRADE_SECTION_METAL, "（一）",
         "会议室、休息室、操作室、交接班室、更衣室等 6 类人员聚集场所，或者钢（铁）水罐修理工位，"
         "设在吊运铁水、钢水、液渣的厂房跨间地坪范围内。", True, "0501"),
        ("GM2023-YJ02", INDTRADE_SECTION_METAL, "（二）",
         "生产期间，熔融金属可能泄漏、喷溅范围内的事故坑、渣坑等区域存在积水。", True, "0501"),
        ("GM2023-YJ03", INDTRADE_SECTION_METAL, "（三）",
         "连铸或模铸流程缺少事故钢水罐、溢流坑（槽）、漏钢槽等应急接收设施。", True, "0501"),
        ("GM2023-YJ04", INDTRADE_SECTION_METAL, "（四）",
         "转炉、电弧炉、AOD、LF、RH、VOD 等炉的水冷元件缺少出水温度、进出水流量差监测报警，"
         "或者报警未与相应的安全动作联锁。", True, "0501"),
        ("GM2023-JC01", INDTRADE_SECTION_BUILD, "（一）",
         "煤磨袋式收尘器、煤粉仓没有温度和固定式一氧化碳浓度监测报警，或者没有气体灭火装置。", True, "0503"),
        ("GM2023-JC02", INDTRADE_SECTION_BUILD, "（二）",
         "人工清理筒型储库时，没有落实防止高处坠落、坍塌等安全措施。", True, "0503"),
        ("GM2023-JC03", INDTRADE_SECTION_BUILD, "（三）",
         "水泥企业电石渣原料筒型储库没有可燃气体浓度监测报警，或者报警未与事故通风联锁。", True, "0503"),
        ("GM2023-JC04", INDTRADE_SECTION_BUILD, "（四）",
         "进入筒型储库、窑、预热器旋风筒、分解炉、竖炉、篦冷机、磨机、破碎机前，没有隔离可能意外启动的设备"
         "和可能涌入的物料、高温气体、有毒有害气体，或者没有落实防坠落、防坍塌措施。", True, "0503"),
        ("GM2023-JC05", INDTRADE_SECTION_BUILD, "（五）",
         "采用预混燃烧方式的燃气窑炉，燃气总管没有压力监测报警，或者报警未与紧急自动切断装置联锁。", True, "0503"),
        ("GM2023-JC06", INDTRADE_SECTION_BUILD, "（六）",
         "制氢站、氮氢保护气体配气间、燃气配气间没有固定式可燃气体浓度监测报警装置。", True, "0503"),
        ("GM2023-JC07", INDTRADE_SECTION_BUILD, "（七）", "电熔制品电炉的水冷设施失效。", True, "0503"),
        ("GM2023-JC08", INDTRADE_SECTION_BUILD, "（八）",
         "玻璃窑炉、锡槽等设备的水冷、风冷保护系统没有监测报警装置。", True, "0503"),
        ("GM2023-JX01", INDTRADE_SECTION_MACH, "（一）",
         "会议室、休息室、更衣室、交接班室等 5 类人员聚集场所，设在熔融金属吊运跨或浇注跨的地坪范围内。",
         True, "0504"),
        ("GM2023-JX02", INDTRADE_SECTION_MACH, "（二）",
         "熔炼炉、精炼炉、保温炉没有紧急排放和应急储存设施。", True, "0504"),
        ("GM2023-FC01", INDTRADE_SECTION_DUST, "1",
         "存在粉尘爆炸危险的场所，其所在建（构）筑物的结构形式或设置位置不符合要求。", True, None),
        ("GM2023-FC02", INDTRADE_SECTION_DUST, "2",
         "除尘系统设计存在重大缺陷，例如不应共用的区域共用一套除尘系统、正压吹送粉尘却没有控制点燃源、"
         "使用重力沉降室除尘等。", True, None),
        ("GM2023-FC03", INDTRADE_SECTION_DUST, "3", "除尘系统缺少锁气卸灰装置或火花探测装置。", True, None),
        ("GM2023-FC04", INDTRADE_SECTION_DUST, "4", "粉尘爆炸危险场所 20 区内使用非防爆电气设备。", True, None),
        ("GM2023-FC05", INDTRADE_SECTION_DUST, "5",
         "铝镁等金属粉尘采用湿式除尘等场所，没有采取防止氢气积聚的措施。", True, None),
        ("GM2023-FC06", INDTRADE_SECTION_DUST, "6", "没有按规定清理粉尘，作业场所积尘未及时清除。", True, None),
        ("GM2023-YA01", INDTRADE_SECTION_AMMONIA, "1",
         "包装、分割、产品整理等人员较多的场所，采用氨直接蒸发制冷的空调系统。", True, None),
        ("GM2023-YA02", INDTRADE_SECTION_AMMONIA, "2",
         "快速冻结装置没有设在单独的作业间内，或者该作业间作业人员超过 9 人。", True, None),
        ("GM2023-YX01", INDTRADE_SECTION_CONFINED, "1",
         "对存在硫化氢、一氧化碳等中毒窒息风险的有限空间，没有辨识、建立台账，或者没有设置明显的安全警示标志。",
         True, None),
        ("GM2023-YX02", INDTRADE_SECTION_CONFINED, "2", "有限空间作业没有履行作业审批手续。", True, None),
        ("GM2023-YX03", INDTRADE_SECTION_CONFINED, "3",
         "有限空间作业没有落实“先通风、再检测、后作业”。", True, None),
    ],
}

INDTRADE_2017 = {
    "code": "INDTRADE-2017",
    "title": "工贸行业重大生产安全事故隐患判定标准（2017年版）",
    "document_number": "",
    "issuer": "原国家安全生产监督管理总局",
    "effective_from": None,
    "effective_to": "2023-05-14",
    "industries": ["05"],
    "certainty": "C",
    "source_note": (
        "经一个来源核实：2017 年版工贸行业标准共 59 项＝专项类 14 项＋行业类 45 项。实践中已由 2023 年"
        "《工贸企业重大事故隐患判定标准》取代；正式废止条款：未确认（失效日期由本平台按新标准施行前一日推定）。"
        "准确标题与文号以官方文本为准（未确认）。仅供查阅历史记录，未收录条目文本。"
    ),
    "criteria": [],
}

HOUSING_2022 = {
    "code": "HOUSING-2022",
    "title": "房屋市政工程生产安全重大事故隐患判定标准（2022版）",
    "document_number": "建质规〔2022〕2号",
    "issuer": "住房和城乡建设部",
    "effective_from": "2022-04-19",
    "effective_to": None,
    "industries": ["0601"],
    "certainty": "C2",
    "source_note": (
        "经两个来源核实，日期 2022-04-19。条目数：未确认。本平台尚未收录条目文本。"
    ),
    "criteria": [],
}

FIRE_2025 = {
    "code": "FIRE-GB35181-2025",
    "title": "GB 35181-2025 重大火灾隐患判定规则",
    "document_number": "GB 35181-2025",
    "issuer": "国家市场监督管理总局、国家标准化管理委员会（国家消防救援局提出）",
    "effective_from": "2025-11-01",
    "effective_to": None,
    "industries": ["09"],
    "certainty": "C",
    "source_note": (
        "经一个来源核实：2025-04-25 发布，2025-11-01 实施，代替 GB 35181-2017《重大火灾隐患判定方法》。"
        "由第 5 章直接判定要素、第 6 章综合判定要素和附录 A 组成；各部分条目数：未确认。本平台尚未收录条目文本。"
    ),
    "criteria": [],
}

FIRE_2017 = {
    "code": "FIRE-GB35181-2017",
    "title": "GB 35181-2017 重大火灾隐患判定方法",
    "document_number": "GB 35181-2017",
    "issuer": "",
    "effective_from": None,
    "effective_to": "2025-10-31",
    "industries": ["09"],
    "certainty": "C",
    "source_note": (
        "经一个来源核实，已被 GB 35181-2025《重大火灾隐患判定规则》代替；失效日期由本平台按新标准实施前一日推定。"
        "施行日期、发布机关未收录。仅供查阅历史记录。"
    ),
    "criteria": [],
}

ROAD_SECTION_GENERAL = "通用情形（第三条）"
ROAD_SECTION_PASSENGER = "道路旅客运输（第四条）"

ROAD_2023 = {
    "code": "ROAD-2023",
    "title": "道路运输企业和城市客运企业安全生产重大事故隐患判定标准（试行）",
    "document_number": "交办运〔2023〕52号（文号未确认）",
    "issuer": "交通运输部",
    "effective_from": "2023-10-01",
    "effective_to": None,
    "industries": ["07"],
    "certainty": "C2",
    "source_note": (
        "经两个以上来源核实：2023-10-01 起施行；文号“交办运〔2023〕52号”：未确认。"
        "第三条为 5 项通用情形（一个来源核实）；其后条款按细分领域规定，总条目数：未确认。"
        "另收录第四条第（一）项（800 公里以上客运班线，一个来源核实；凌晨 2 时至 5 时停车要求仅适用于"
        "800 公里以上客运班线客车，见交通运输部答复）。其余条款未收录。" + PARAPHRASE
    ),
    "criteria": [
        ("ROAD2023-01", ROAD_SECTION_GENERAL, "（一）",
         "没有取得经营许可或者未按规定备案就从事经营，或者超出许可事项、许可有效期经营。", True, None),
        ("ROAD2023-02", ROAD_SECTION_GENERAL, "（二）",
         "使用已达报废标准、非法改装或拼装、没有按规定检验检测的车辆或设施设备从事经营。", True, None),
        ("ROAD2023-03", ROAD_SECTION_GENERAL, "（三）",
         "对长期存在的“三超一疲劳”（超速、客车超员、货车超载、疲劳驾驶）问题，运输途中不纠正、"
         "事后一个月内也不处理；或者仍安排单次诚信考核扣分达 10 分及以上的驾驶员驾驶。", True, None),
        ("ROAD2023-04", ROAD_SECTION_GENERAL, "（四）",
         "橙色及以上台风预警，或者暴雨、暴雪、冰雹、大雾、沙尘暴、大风、道路结冰、地质灾害等红色预警生效期间，"
         "违反政府停运指令或者应急预案继续运营。", True, None),
        ("ROAD2023-05", ROAD_SECTION_GENERAL, "（五）", "法律法规和国家有关规定认定的其他情形。", True, None),
        ("ROAD2023-0401", ROAD_SECTION_PASSENGER, "第四条（一）",
         "800 公里以上的客运班线没有开展风险评估，或者其客车不执行凌晨 2 时至 5 时停车休息（或接驳运输）的要求。",
         True, "0701"),
    ],
}

SPECIAL_EQUIPMENT_2024 = {
    "code": "SPECEQ-GB45067-2024",
    "title": "GB 45067-2024 特种设备重大事故隐患判定准则",
    "document_number": "GB 45067-2024",
    "issuer": "国家市场监督管理总局（提出）",
    "effective_from": "2024-12-01",
    "effective_to": None,
    "industries": ["10"],
    "certainty": "C2",
    "source_note": (
        "强制性国家标准，经两个来源核实：2024-11-28 发布，2024-12-01 实施；"
        "覆盖 8 类特种设备；条目数：未确认。本平台尚未收录条目文本。"
    ),
    "criteria": [],
}

CIVIL_EXPLOSIVES_2023 = {
    "code": "CIVEXP-2023",
    "title": "民用爆炸物品行业重大事故隐患判定标准（试行）",
    "document_number": "工信厅安全函〔2023〕337号",
    "issuer": "工业和信息化部办公厅",
    "effective_from": "2023-12-01",
    "effective_to": None,
    "industries": ["12"],
    "certainty": "C",
    "source_note": (
        "经一个来源核实，日期 2023-12-01；已见至少 9 项，总条目数：未确认。本平台尚未收录条目文本。"
    ),
    "criteria": [],
}

DOCUMENTS = [
    COAL_2020,
    NONCOAL_2022,
    HAZCHEM_2017,
    FIREWORKS_2017,
    INDTRADE_2023,
    INDTRADE_2017,
    HOUSING_2022,
    FIRE_2025,
    FIRE_2017,
    ROAD_2023,
    SPECIAL_EQUIPMENT_2024,
    CIVIL_EXPLOSIVES_2023,
]
