"""One English phrase, one Chinese reading: no catalogue shadows another app's wording.

Django merges the catalogues into one: the project catalogue (``anjian/locale``) over every
app's, and an app listed earlier in INSTALLED_APPS over a later one. When two catalogues translate
the same msgid differently only one of them is ever shown, on the pages of both apps: the risk
point's location read 隐患部位 (the hazards app's wording), its responsible person and the major
hazard source's read 整改责任人, a suspended major hazard source read 停产 (an enterprise's
operating status). A phrase whose meaning depends on the app carries a context
(``pgettext_lazy("risk point", "location")``, ``{% translate "Level" context "hazard listing" %}``)
with its ``msgctxt`` entry in that app's own catalogue; a phrase that means the same everywhere
reads the same everywhere."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

import anjian
from anjian.orgs.choices import Role

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')


def parse_po(text: str) -> dict[tuple[str | None, str], str]:
    """The compiled entries of one .po text: (msgctxt, msgid) -> msgstr (the first plural form).

    Fuzzy, obsolete (``#~``) and untranslated entries are left out: compilemessages leaves them
    out of the .mo, so they shadow nothing."""
    entries: dict[tuple[str | None, str], str] = {}
    for block in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        key = None
        fuzzy = False
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            if not line or line.startswith("#"):
                continue
            match = KEYWORD.match(line)
            if match:
                key = match.group(1)
                fields[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
        msgstr = fields.get("msgstr", fields.get("msgstr[0]", ""))
        if fields.get("msgid") and msgstr and not fuzzy:
            entries[(fields.get("msgctxt"), fields["msgid"])] = msgstr
    return entries


def shadowed(catalogues: dict[str, str]) -> dict[tuple[str | None, str], dict[str, str]]:
    """The (msgctxt, msgid) pairs that two catalogues (name -> .po text) translate differently."""
    readings: dict[tuple[str | None, str], dict[str, str]] = defaultdict(dict)
    for name, text in catalogues.items():
        for key, msgstr in parse_po(text).items():
            readings[key][name] = msgstr
    return {key: found for key, found in readings.items() if len(set(found.values())) > 1}


def zh_catalogues() -> dict[str, str]:
    root = Path(anjian.__file__).parent
    paths = [root / "locale", *sorted(p for p in root.glob("*/locale") if p.is_dir())]
    found = {}
    for locale in paths:
        po = locale / "zh_Hans" / "LC_MESSAGES" / "django.po"
        if po.exists():
            found[str(po.relative_to(root.parent))] = po.read_text(encoding="utf-8")
    return found


# --- the catalogues --------------------------------------------------------------------------------------

def test_the_check_finds_a_phrase_two_catalogues_read_differently():
    # given two catalogues that read "location" differently, one of them also under a context
    hazards = 'msgid "location"\nmsgstr "隐患部位"\n\nmsgctxt "hazard"\nmsgid "Source"\nmsgstr "隐患来源"\n'
    risks = ('#: models.py:130\nmsgid "location"\nmsgstr "位置"\n\n'
             'msgid "Source"\nmsgstr "来源"\n\n#, fuzzy\nmsgid "Kind"\nmsgstr "类型"\n')
    project = 'msgid "Kind"\nmsgstr "类别"\n\nmsgid "Region"\nmsgstr ""\n'
    # when the check compares them
    found = shadowed({"hazards": hazards, "risks": risks, "project": project})
    # then it reports the plain msgid read two ways, not the one under a context, nor a fuzzy or
    # an untranslated entry (neither is compiled)
    assert found == {(None, "location"): {"hazards": "隐患部位", "risks": "位置"}}


def test_the_parser_reads_continued_and_plural_strings():
    text = ('msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n\n#, python-format\nmsgid "%(n)s row"\n'
            'msgid_plural "%(n)s rows"\nmsgstr[0] "%(n)s 行"\n\nmsgctxt "risk point"\nmsgid ""\n"responsible "\n'
            '"person"\nmsgstr "责任"\n"人"\n')
    assert parse_po(text) == {(None, "%(n)s row"): "%(n)s 行", ("risk point", "responsible person"): "责任人"}


def test_no_two_catalogues_read_the_same_phrase_differently():
    # given every Chinese catalogue of the project and of its apps
    catalogues = zh_catalogues()
    assert len(catalogues) >= 10 and any(name.startswith("anjian/locale/") for name in catalogues)
    # then a phrase (with its context) reads the same in all of them: Django would show only one
    assert shadowed(catalogues) == {}


# --- the labels the shadowing had changed ---------------------------------------------------------------

def test_field_labels_read_as_their_app_means_them(db):
    from anjian.enterprises.choices import OperatingStatus
    from anjian.hazards.models import Hazard, ListedSupervision
    from anjian.majorhazards.choices import SourceState
    from anjian.majorhazards.models import CriticalQuantityTable, ResponsibleCheck, ResponsiblePerson
    from anjian.risks.models import RiskBand, RiskPoint

    def label(model, name):
        return str(model._meta.get_field(name).verbose_name)

    with translation.override("zh-hans"):
        # the risk point: where it is and who answers for it
        assert label(RiskPoint, "location") == "位置"
        assert label(RiskPoint, "responsible_name") == "责任人"
        assert label(RiskBand, "level") == "等级"
        # the hazard keeps its own wording
        assert label(Hazard, "location") == "隐患部位"
        assert label(Hazard, "plan_responsible") == "整改责任人"
        assert label(Hazard, "description") == "隐患描述"
        assert label(Hazard, "source") == "隐患来源"
        assert label(ListedSupervision, "level") == "督办级别"
        # the major hazard source's named owners, its state and the table's date
        assert str(ResponsiblePerson._meta.verbose_name) == "包保责任人"
        assert label(ResponsibleCheck, "person") == "包保责任人"
        assert SourceState.SUSPENDED.label == "停用"
        assert label(CriticalQuantityTable, "effective_from") == "实施日期"
        # and an enterprise that stopped production still reads 停产
        assert OperatingStatus.SUSPENDED.label == "停产"


@pytest.fixture
def admin_client(world):
    client = Client()
    client.force_login(world.users[Role.ADMIN])
    return client


def _labels(html: str) -> list[str]:
    """The text of a page's form labels, without the mark of a required field."""
    return [re.sub(r"<[^>]+>", "", text).strip().rstrip("*").strip()
            for text in re.findall(r"<label[^>]*>(.*?)</label>", html, re.S)]


def test_the_risk_point_form_and_page_use_the_risk_point_wording(world, admin_client):
    from anjian.risks.tests.factories import make_point

    point = make_point(world, name="液氨储罐区")
    # when the administrator opens the risk point's edit form and its page in Chinese
    form = admin_client.get(reverse("risks:edit", args=[point.pk]), **ZH)
    page = admin_client.get(reverse("risks:detail", args=[point.pk]), **ZH)
    assert form.status_code == page.status_code == 200
    labels = _labels(form.content.decode())
    # then the form asks for its location and responsible person, not a hazard's
    assert "位置" in labels and "责任人" in labels
    html = form.content.decode() + page.content.decode()
    assert "隐患部位" not in html and "整改责任人" not in html
    assert "<dt>位置</dt>" in page.content.decode()


def test_the_hazard_report_form_keeps_the_hazard_wording(world, admin_client):
    # when the administrator opens the form to report a hazard, in Chinese
    response = admin_client.get(reverse("hazards:create"), **ZH)
    assert response.status_code == 200
    # then it asks for the hazard's location and source in the hazard's words
    labels = _labels(response.content.decode())
    assert "隐患部位" in labels and "隐患来源" in labels


def test_a_suspended_major_hazard_source_reads_out_of_use_not_stopped_production(world, admin_client):
    from anjian.majorhazards import services
    from anjian.majorhazards.tests.helpers import make_source, staff

    source = make_source(world, name="液氯储罐区")
    staff(source, world.users[Role.ADMIN])
    source = services.change_state(source, actor=world.users[Role.ADMIN], to_state="suspended", comment="检修停用")
    # when the administrator opens the source's page in Chinese
    html = admin_client.get(reverse("majorhazards:detail", args=[source.pk]), **ZH).content.decode()
    # then its state reads 停用 (out of use), and nowhere 停产 (an enterprise's stopped production)
    assert "<dd>停用</dd>" in html
    assert "停产" not in html
