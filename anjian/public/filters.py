"""Filter sets of the tips API (the pages filter by state only)."""

from django_filters import rest_framework as filters

from anjian.core.filters import BaseFilterSet

from .choices import TipKind, TipState
from .models import Tip


class TipFilter(BaseFilterSet):
    state = filters.ChoiceFilter(choices=TipState.choices)
    kind = filters.ChoiceFilter(choices=TipKind.choices)
    is_anonymous = filters.BooleanFilter()

    class Meta:
        model = Tip
        fields = ["state", "kind", "is_anonymous"]
