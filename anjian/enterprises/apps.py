from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def industry_table() -> list[tuple[str, int]]:
    """Every industry of the taxonomy as (code, id)."""
    from .models import Industry

    return list(Industry.objects.values_list("code", "pk"))


class EnterprisesConfig(AppConfig):
    name = "anjian.enterprises"
    verbose_name = _("Enterprise registry")

    def ready(self) -> None:
        from anjian.core import scoping

        from .models import Industry

        # core.scoping reads the industry taxonomy through this app (it imports none); saving or
        # deleting an industry clears its snapshot of it in this process.
        scoping.register_industries(industry_table)
        scoping.clear_on_change(scoping.INDUSTRIES, Industry, "anjian.scoping.industries")
