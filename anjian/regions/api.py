from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from anjian.core.api import HistoryActionMixin, ScopedRelatedFieldsMixin, ScopedViewSet
from anjian.core.api_fields import ModelSerializer, Serializer
from anjian.core.imports import ImportFileError
from anjian.orgs.permissions import IsSystemAdmin

from .filters import GridFilter, RegionFilter
from .models import Grid, Region
from .services import import_regions


class RegionSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
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
        # The code is the key of the whole subtree's paths and of every record's region_path;
        # a division change (区划调整) is a new region, not an edit.
        if self.instance and "code" in attrs and attrs["code"] != self.instance.code:
            raise serializers.ValidationError({"code": _("A division code cannot be changed once created.")})
        if parent is None and level and LEVEL_DEPTH[level] != 0:
            raise serializers.ValidationError({"parent": _("Every region but a province needs a parent.")})
        if parent is not None and LEVEL_DEPTH[parent.level] != LEVEL_DEPTH[level] - 1:
            raise serializers.ValidationError({"parent": _("The parent must be exactly one level above.")})
        return attrs


class RegionViewSet(HistoryActionMixin, ScopedViewSet):
    """Regions in the caller's jurisdiction. Writes: system administrators."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    select_related = ("parent",)
    search_fields = ["name", "code"]
    ordering_fields = ["path", "name", "code"]
    lookup_field = "code"


class GridSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    township = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.filter(level="township"))

    class Meta:
        model = Grid
        fields = ["id", "code", "name", "township", "officer_name", "officer_phone", "is_demo"]
        read_only_fields = ["is_demo"]

    def validate_township(self, value):
        # Enterprises of the grid lie in its township; moving the grid would split them.
        if self.instance is not None and value != self.instance.township:
            raise serializers.ValidationError(_("A grid cannot be moved to another township."))
        return value


class GridViewSet(HistoryActionMixin, ScopedViewSet):
    """Grids in the caller's jurisdiction. Writes: system administrators."""

    queryset = Grid.objects.all()
    serializer_class = GridSerializer
    filterset_class = GridFilter
    select_related = ("township",)
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name"]


class RegionImportSerializer(Serializer):
    file = serializers.FileField(help_text="xlsx or csv with columns 区划代码, 名称, 级别, 上级代码")


class RegionImportView(APIView):
    """POST a region tree (xlsx/CSV). All rows are written or none; the answer is the row-by-row report."""

    permission_classes = [IsSystemAdmin]
    parser_classes = [MultiPartParser]

    @extend_schema(request=RegionImportSerializer, responses={201: dict, 400: dict})
    def post(self, request):
        ser = RegionImportSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        upload = ser.validated_data["file"]
        try:
            report = import_regions(upload, upload.name, actor=request.user)
        except ImportFileError as exc:
            return Response({"ok": False, "errors": [{"row": 0, "field": "file", "message": str(exc)}]},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(report.as_dict(), status=status.HTTP_201_CREATED if report.ok else status.HTTP_400_BAD_REQUEST)
