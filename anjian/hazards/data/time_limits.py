"""Time limits of the hazard loop, shipped as reference data (loaded by migration
``hazards.0006_dual_reports_and_rechecks``, then edited by administrators in the admin).

Each row says where the limit comes from and how sure we are of it, with the status marks of
the project's domain fact sheet (C2, C, CODE, D, VAR, unconfirmed). The wording is our own.
"""

RECHECK = {
    "code": "recheck",
    "days": 10,
    "basis": "《安全生产违法行为行政处罚办法》（国家安全监管总局令第15号，第77号令修正）",
    "certainty": "unconfirmed",
    "source_note": (
        "规则：监管部门责令限期整改的，应当自整改期限届满之日起或者收到生产经营单位整改完毕的申请之日起"
        "10日内进行复查，填写整改复查意见书。"
        "依据：通常引用的全国性规定为上述办法中关于责令限期整改后复查的条款（常见引用为第十七条），"
        "但在已存的资料中未能核对到该条原文和条号，故标为未确认。"
        "旁证：一份湖北省的重大事故隐患挂牌督办地方规定（标题未核对）第十条要求下达督办通知书的部门自整改限期届满或企业提出复查申请之日起"
        "10日内组织现场验收（m.jxly88.cn/Laws/Local/Hubei/201103/174523_2.shtml）；"
        "《安全生产事故隐患排查治理暂行规定》（国家安全监管总局令第16号）另规定，对挂牌督办并停产停业治理的"
        "重大事故隐患，收到恢复生产申请后10日内进行现场审查（常见引用为第二十三条，原文未核对）。"
        "如当地规定不同，请管理员修改天数和依据。"
    ),
}

TIME_LIMITS = [RECHECK]
DEFAULTS = {row["code"]: row for row in TIME_LIMITS}
