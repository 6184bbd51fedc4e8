"""The monitoring parameters shipped with the product (loaded by migration 0002 into
``MonitoringParameter``; administrators edit them there). Each says where it comes from; where no
rule fixes the number it is marked unconfirmed and is the bureau's decision."""

DEFAULTS: dict[str, dict] = {
    "escalate_enterprise_minutes": {
        "name": "未确认报警升级至企业负责人（分钟）", "value": 10, "unit": "分钟",
        "source_document": "", "confirmed": False,
        "note": "报警未在此时间内确认，升级至企业主要负责人/安全管理机构。未找到规定此时限的条文，为本平台默认值，由监管部门确定。",
    },
    "escalate_regulator_minutes": {
        "name": "未确认报警升级至监管部门（分钟）", "value": 30, "unit": "分钟",
        "source_document": "", "confirmed": False,
        "note": "报警自开启起此时间内仍未确认，升级至属地应急管理部门。未找到规定此时限的条文，为本平台默认值。",
    },
    "offline_periods": {
        "name": "传感器离线判定（上报周期数）", "value": 3, "unit": "个周期",
        "source_document": "", "confirmed": False,
        "note": "连续此数量的上报周期没有数据即判定离线。各地接入规范的判定口径不一，为本平台默认值。",
    },
    "max_future_seconds": {
        "name": "允许的数据时间超前（秒）", "value": 120, "unit": "秒",
        "source_document": "", "confirmed": False,
        "note": "时间戳晚于服务器时间超过此值的数据视为时间错误而拒收（企业系统时钟偏差）。",
    },
    "max_age_hours": {
        "name": "允许补传的最长时间（小时）", "value": 72, "unit": "小时",
        "source_document": "", "confirmed": False,
        "note": "早于此时间的数据视为过旧而拒收（断线补传的窗口）。不得超过数据保存期。",
    },
}
