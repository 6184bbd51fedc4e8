"""The feature tags (特征标签) shipped as reference data: what campaigns and statistics select
enterprises by, across industries (a machinery plant may have combustible dust and confined
spaces). Loaded by the migration ``enterprises.0007_load_feature_tags``; administrators edit,
add and retire tags in the admin (a tag is never deleted).

Each row: (code, name, what counts, source, source confirmed). The source names the document
and article in our own words; ``confirmed`` is False where the article number was not found
in a stored copy of the text.
"""

FEATURE_TAGS = [
    (
        "dust_explosion",
        "涉爆粉尘",
        "存在可燃性粉尘爆炸危险的场所或作业（如铝镁、木材、粮食、饲料、纺织纤维等粉尘）。",
        "《工贸企业粉尘防爆安全规定》（应急管理部令第6号，2021年9月1日起施行）第二条：存在可燃性粉尘"
        "爆炸危险的冶金、有色、建材、机械、轻工、纺织、烟草、商贸等工贸企业为粉尘涉爆企业；第三条界定"
        "可燃性粉尘。",
        True,
    ),
    (
        "ammonia_refrigeration",
        "涉氨制冷",
        "使用液氨作制冷剂的制冷系统（如冷库、速冻加工）。",
        "《工贸企业重大事故隐患判定标准》（应急管理部令第10号，2023年5月15日起施行）专项类中的“使用液氨"
        "制冷”事故隐患。所在条号未在已存资料中核对，待确认。",
        False,
    ),
    (
        "confined_space",
        "有限空间作业",
        "存在有限空间（封闭或部分封闭、进出受限、易积聚有毒有害、易燃易爆物质或缺氧的空间）并有作业。",
        "《工贸企业有限空间作业安全规定》（应急管理部令第13号，2024年1月1日起施行）第二条（适用于冶金、"
        "有色、建材、机械、轻工、纺织、烟草、商贸等工贸企业的有限空间作业）。",
        True,
    ),
    (
        "hazchem_use",
        "危化品使用",
        "在生产经营中使用危险化学品（不论是否达到须取得安全使用许可证的数量）。",
        "《中华人民共和国危险化学品安全法》（2026年5月1日起施行）第四十七条：使用危险化学品的单位的使用"
        "条件及其安全管理制度；第四十八条：使用量达到规定数量的化工企业须取得安全使用许可证（此前为"
        "《危险化学品安全管理条例》第二十八条、第二十九条）。危险化学品安全法条号仅见于一份转载，待核对。",
        False,
    ),
    (
        "crowded",
        "人员密集",
        "属于人员密集场所，或有劳动密集型的生产加工车间、员工集体宿舍。",
        "《中华人民共和国消防法》第七十三条第（四）项对“人员密集场所”的界定（含公众聚集场所、劳动密集型"
        "企业的生产加工车间和员工集体宿舍等）。",
        True,
    ),
]
