"""The contract type of `make lint` that keeps an app's pages, forms and API its own
(tools/import_contracts.py), on a small graph of made-up modules."""

import grimp

from tools.import_contracts import interface_violations

PATTERNS = ["forms", "forms_*", "api", "api_*", "views", "views_*", "urls", "urls_*"]


def graph(*imports: tuple[str, str]) -> grimp.ImportGraph:
    g = grimp.ImportGraph()
    for importer, imported in imports:
        g.add_import(importer=importer, imported=imported, line_number=3, line_contents=f"import {imported}")
    return g


def test_another_apps_pages_forms_and_api_are_refused():
    # given two apps importing each other's interface modules, their own, and shared modules
    g = graph(
        ("site.hazards.views", "site.regions.forms"),      # another app's form: refused
        ("site.hazards.api", "site.regions.api_figures"),  # another app's API (api_*): refused
        ("site.hazards.tests.test_x", "site.regions.views_stats"),  # a test is no exception
        ("site.hazards.views", "site.hazards.forms"),      # its own form: fine
        ("site.hazards.forms", "site.regions.fields"),     # a module meant for sharing: fine
        ("site.hazards.forms", "site.regions.formset"),    # "formset" is not "forms": fine
        ("site.urls", "site.regions.views"),               # the project URLconf is no listed app: fine
        ("site.regions.sub.deep", "site.hazards.sub.views"),  # not directly in the app: not an interface
    )
    # when the contract looks for imports of another app's interface
    found = interface_violations(g, ["site.hazards", "site.regions"], PATTERNS)
    # then exactly the three refused imports are reported, with their line numbers
    assert [(v["importer"], v["imported"], v["line_numbers"]) for v in found] == [
        ("site.hazards.api", "site.regions.api_figures", [3]),
        ("site.hazards.views", "site.regions.forms", [3]),
        ("site.hazards.tests.test_x", "site.regions.views_stats", [3]),
    ]


def test_an_app_outside_the_list_is_neither_checked_nor_protected():
    # given the portal (not listed) importing an app's page, and an app importing the portal's view
    g = graph(("site.portal.views", "site.hazards.views"), ("site.hazards.views", "site.portal.views"))
    # then nothing is reported (the layers contract is what keeps apps from importing the portal)
    assert interface_violations(g, ["site.hazards"], PATTERNS) == []
