"""The regulatory numbers of emergency preparedness, loaded by the migration and by
``reference.ensure()``; administrators edit them (a change applies at the next scan). Each row names
its document and article, or says it is unconfirmed. The sources were read in public copies of
the text and of the authorities' answers; they are cited here in our own words."""

ORDER_2 = "《生产安全事故应急预案管理办法》（原国家安全监管总局令第88号，应急管理部令第2号2019年修正）"

ROWS = [
    # code, value, document, article, certainty, note
    ("filing_working_days", 20, ORDER_2, "第二十六条", "unconfirmed",
     "An enterprise files its plans within 20 working days of publishing them. The number is in the 2016 text "
     "of Art. 26; the 2019 amendment's wording of the article was not seen. Working days are counted as "
     "Monday to Friday: public holidays and working weekends are not modelled."),
    ("review_working_days", 5, ORDER_2, "备案核对条款（条号未核实）", "unconfirmed",
     "The receiving department checks the filed materials within 5 working days and files them or returns them "
     "naming every missing material; the article number was not confirmed."),
    ("evaluation_years", 3, ORDER_2, "第三十五条", "confirmed",
     "Mines, metal smelting, construction, dangerous-goods producers, dealers, storers and carriers, chemical "
     "users above the threshold, fireworks producers and wholesalers and medium-sized and larger enterprises "
     "evaluate their plans every three years. The platform applies it to enterprises flagged high-risk."),
    ("main_drill_months", 12, ORDER_2, "第三十三条", "confirmed",
     "At least one comprehensive or special plan drill a year (a minimum; an authority's answer reads one drill "
     "of either kind a year for the enterprise)."),
    ("onsite_drill_months", 6, ORDER_2, "第三十三条", "confirmed",
     "At least one drill of the on-site disposal plans every half year (a provincial answer reads: each on-site "
     "plan every half year, which the platform checks)."),
    ("revision_days", 90, ORDER_2, "第三十六条（期限为本平台设定）", "unconfirmed",
     "Art. 36 asks for a timely revision (及时修订) after a change, a drill or an emergency response finding; it "
     "names no number of days. 90 days is our default."),
    ("supply_warn_days", 30, "本平台设定", "", "unconfirmed",
     "How many days before a supply's expiry the ledger warns: our default."),
]


def load(apps) -> None:
    """Insert the rows that are missing (administrators' edits are kept)."""
    Parameter = apps.get_model("emergency", "EmergencyParameter")
    have = set(Parameter.objects.values_list("code", flat=True))
    Parameter.objects.bulk_create([
        Parameter(code=code, value=value, document=doc, article=article, certainty=certainty, note=note)
        for code, value, doc, article, certainty, note in ROWS if code not in have])
