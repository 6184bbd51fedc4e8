"""A contract type for import-linter (``make lint``): an app's pages, forms and API are its own.

``interfaces``: for the apps listed, a module directly inside an app whose name matches one of
``modules`` (fnmatch patterns: ``forms``, ``api*``, ``views*``, ``urls*``) is that app's interface
to people and clients. Another listed app must not import it: what two apps share (a form field,
a serializer field, a selector) lives in a module meant for sharing (``fields.py``,
``selectors.py``) or in core. Only direct imports count (a page imports services that import
models: that is not a reason to refuse anything). Modules outside the listed apps (the project
URLconf, the portal) may import any interface. ``ignore_imports`` lists known exceptions.

Registered in pyproject.toml (``[tool.importlinter] contract_types``).
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils


def _app_of(module: str, apps: list[str]) -> str | None:
    return next((app for app in apps if module == app or module.startswith(app + ".")), None)


def interface_violations(graph: ImportGraph, apps: list[str], patterns: list[str]) -> list[dict]:
    """The direct imports of one listed app's interface module by another listed app, sorted."""
    found = []
    for imported in sorted(graph.modules):
        owner = _app_of(imported, apps)
        if owner is None or imported.count(".") != owner.count(".") + 1:
            continue
        if not any(fnmatchcase(imported.rsplit(".", 1)[1], pattern) for pattern in patterns):
            continue
        for importer in sorted(graph.find_modules_that_directly_import(imported)):
            importer_app = _app_of(importer, apps)
            if importer_app is None or importer_app == owner:
                continue
            details = graph.get_import_details(importer=importer, imported=imported)
            found.append({"importer": importer, "imported": imported,
                          "line_numbers": sorted({d["line_number"] for d in details})})
    return found


class InterfacesContract(Contract):
    """No listed app imports another listed app's interface modules (see the module docstring)."""

    type_name = "interfaces"

    apps = fields.ListField(subfield=fields.StringField())
    modules = fields.ListField(subfield=fields.StringField())
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(
        contract_utils.AlertLevel, default=contract_utils.AlertLevel.ERROR)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph, ignore_imports=self.ignore_imports,  # type: ignore[arg-type]
            unmatched_alerting=self.unmatched_ignore_imports_alerting)  # type: ignore[arg-type]
        violations = interface_violations(graph, list(self.apps), list(self.modules))  # type: ignore[arg-type]
        return ContractCheck(kept=not violations, warnings=list(removal.warnings),
                             ignored_import_count=removal.ignored_import_count,
                             metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for item in check.metadata["violations"]:
            lines = ", ".join(f"l.{n}" for n in item["line_numbers"])
            output.print_error(f"{item['importer']} -> {item['imported']} ({lines})", bold=False)
        output.new_line()
        output.print(f"{len(check.metadata['violations'])} import(s) of another app's pages, forms or API. "
                     "Move what is shared to a module meant for sharing (fields.py, selectors.py) or to core.")
