"""Warnings API: the caller's inbox (GET /api/warnings/), one warning, and marking read.

Scoped like every collection (the viewset base reads ``Warning.objects.for_user``) and narrowed to the rules addressed
to the caller's role: a warning outside either answers 404, as a missing one does.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from anjian.core.api import ScopedReadOnlyViewSet
from anjian.core.api_fields import ModelSerializer
from anjian.core.filters import BaseFilterSet

from .engine import (
    ALL_STATES,
    CLOSED,
    OPEN,
    STATUS_LABELS,
    inbox,
    mark_all_read,
    mark_read,
    rule_title,
    warning_url,
)
from .models import Warning


class WarningSerializer(ModelSerializer):
    rule_title = serializers.SerializerMethodField(help_text="The rule's title, in the request's language.")
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    object_type = serializers.SerializerMethodField(help_text="app_label.model of the record, e.g. hazards.hazard.")
    url = serializers.SerializerMethodField(help_text="The page of the record (null if it has none).")
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default=None)
    is_read = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = Warning
        fields = ["id", "rule", "rule_title", "level", "level_display", "message", "object_type", "object_id", "url",
                  "enterprise", "enterprise_name", "region_path", "raised_at", "last_seen_at", "closed_at", "is_read"]
        read_only_fields = fields

    def get_rule_title(self, obj: Warning) -> str:
        return rule_title(obj.rule)

    def get_object_type(self, obj: Warning) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"

    def get_url(self, obj: Warning) -> str | None:
        return warning_url(obj)


class WarningFilter(BaseFilterSet):
    # ``status`` is applied by the viewset (it also decides the order); declared here so it is
    # validated and documented with the others.
    status = django_filters.ChoiceFilter(choices=list(STATUS_LABELS.items()), method="filter_noop",
                                         label="open (default), closed or all")
    rule = django_filters.CharFilter(field_name="rule", label="Rule code")
    level = django_filters.ChoiceFilter(choices=Warning.Level.choices)
    unread = django_filters.BooleanFilter(method="filter_unread", label="Only unread (true) or read (false)")
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label="Enterprise id")

    class Meta:
        model = Warning
        fields = ["status", "rule", "level", "unread", "enterprise"]

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_unread(self, queryset, name, value):
        return queryset.filter(is_read=not value)


class WarningViewSet(ScopedReadOnlyViewSet):
    """Your warnings (预警): open ones by default, newest first (``unread=true`` for the unread).

    Only warnings in your jurisdiction whose rule is addressed to your role are listed."""

    serializer_class = WarningSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = WarningFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    queryset = Warning.objects.all()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return super().get_queryset()  # no rows: the schema needs only the model
        status = ALL_STATES
        if self.action in ("list", "read_all"):
            status = self.request.query_params.get("status") or OPEN
            if status not in (OPEN, CLOSED, ALL_STATES):
                status = OPEN  # the filterset reports the invalid value
        return inbox(self.request.user, status=status, scoped=super().get_queryset()).select_related(
            "content_type", "enterprise")

    @extend_schema(request=None, responses=WarningSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark this warning read (idempotent)."""
        warning = self.get_object()
        mark_read(warning, request.user)
        warning.is_read = True
        return Response(self.get_serializer(warning).data)

    @extend_schema(request=None, responses=inline_serializer("WarningsMarkedRead",
                                                             {"marked": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="read-all", pagination_class=None)
    def read_all(self, request):
        """Mark every unread warning matching the filters read; answers how many were unread."""
        queryset = self.filter_queryset(self.get_queryset())
        return Response({"marked": mark_all_read(request.user, queryset)})
