from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def region_path_of(kind: str, key) -> str | None:
    """The path of the region with this code (``kind`` "code") or primary key ("id"), voided or not."""
    from .models import Region

    lookup = {"code": key} if kind == "code" else {"pk": key}
    return Region.objects.filter(**lookup).values_list("path", flat=True).first()


class RegionsConfig(AppConfig):
    name = "anjian.regions"
    verbose_name = _("Regions")

    def ready(self) -> None:
        from anjian.core import scoping

        from .models import Region

        # core.scoping reads region paths through this app (it imports none); saving or deleting
        # a region clears its cache of them in this process.
        scoping.register_region_paths(region_path_of)
        scoping.clear_on_change(scoping.REGION_PATHS, Region, "anjian.scoping.regions")
