from django.utils.translation import gettext as _
from rest_framework import serializers

from anjian.core.api import ScopedViewSet

from .filters import GridFilter, RegionFilter
from .models import Grid, Region


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), allow_null=True,
                                          required=False)

    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent", "path", "is_demo"]
        read_only_fields = ["path", "is_demo"]

    def validate(self, attrs):
        from .choices import LEVEL_DEPTH

        level = attrs.get("level", getattr(self.instance, "level", None))
        parent = attrs.get("parent", getattr(self.instance, "parent", None))
        if self.instance and "parent" in attrs and attrs["parent"] != self.instance.parent:
            raise serializers.ValidationError({"parent": _("A region cannot be moved to another parent.")})
        if parent is None and level and LEVEL_DEPTH[level] != 0:
            raise serializers.ValidationError({"parent": _("Every region but a province needs a parent.")})
        if parent is not None and LEVEL_DEPTH[parent.level] != LEVEL_DEPTH[level] - 1:
            raise serializers.ValidationError({"parent": _("The parent must be exactly one level above.")})
        return attrs


class RegionViewSet(ScopedViewSet):
    """Regions in the caller's jurisdiction. Writes: system administrators."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    select_related = ("parent",)
    search_fields = ["name", "code"]
    ordering_fields = ["path", "name", "code"]
    lookup_field = "code"


class GridSerializer(serializers.ModelSerializer):
    township = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.filter(level="township"))

    class Meta:
        model = Grid
        fields = ["id", "code", "name", "township", "officer_name", "officer_phone", "is_demo"]
        read_only_fields = ["is_demo"]


class GridViewSet(ScopedViewSet):
    """Grids in the caller's jurisdiction. Writes: system administrators."""

    queryset = Grid.objects.all()
    serializer_class = GridSerializer
    filterset_class = GridFilter
    select_related = ("township",)
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name"]
