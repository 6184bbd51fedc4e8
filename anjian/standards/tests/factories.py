"""Small builders for the standards tests (the shipped reference data is loaded by migrate;
these make extra checklists whose dates and items a test controls)."""

import datetime
import itertools

from anjian.enterprises.models import Industry
from anjian.standards import services
from anjian.standards.models import Checklist

_codes = itertools.count(1)


def make_checklist(industry: str | None = "0504", *, code: str = "", version: str = "1",
                   effective_from: datetime.date | None = None, effective_to: datetime.date | None = None,
                   items: int = 3, actor=None, **data) -> Checklist:
    """A checklist through the service, with ``items`` plain items (the second one major when
    ``criterion`` is given)."""
    criterion = data.pop("criterion", None)
    rows = [{"content": f"检查项{n}", "basis": "测试依据", "hazard_factor": "object"} for n in range(1, items + 1)]
    if criterion is not None and rows:
        rows[min(1, len(rows) - 1)]["criterion"] = criterion
    return services.create_checklist(actor=actor, data={
        "code": code or f"T-{next(_codes):04d}", "version": version, "name": data.pop("name", "测试检查表"),
        "industry": Industry.objects.get(code=industry) if industry else None,
        "effective_from": effective_from, "effective_to": effective_to, **data,
    }, items=rows)
