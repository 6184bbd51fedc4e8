"""Calendar arithmetic shared by the apps' deadlines and cadences."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months (negative: back), clipped to the end of a shorter month
    (31 Aug + 6 → 28/29 Feb; 29 Feb + 12 → 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
