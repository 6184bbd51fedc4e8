"""Pieces every part of the hazard API shares: the model permissions each action needs, the
steps an enterprise system's key may take, files and timeline rows, and the PDF renderer.

The hazard API (mounted by ``api_urls``) is split by what it serves: the ledger and its steps
(``api_ledger``), dual reports and re-checks (``api_reports``), listed supervision
(``api_listings``), rectification notices (``api_notices``) and enterprise-system keys
(``api_keys``). Every write goes through ``anjian.hazards.services`` (``core.workflow``): a
service ValidationError is a 400 naming the field, PermissionDenied a 403, a ConflictError (the
record changed since the caller read it) a 409 with ``current_state``/``current_version``;
records outside the caller's jurisdiction are not found (404).
"""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers

from anjian.core.api import BinaryFileRenderer
from anjian.core.api_fields import EnumField, ModelSerializer, Serializer, UserNameField
from anjian.core.filters import StableOrderingFilter as OrderingFilter
from anjian.core.models import Attachment

FILTER_BACKENDS = [DjangoFilterBackend, OrderingFilter]

# Model permissions each action needs (the role table in anjian.orgs.roles); the service then
# decides whether this actor may take this step on this hazard in its state.
FIND = ("hazards.add_hazard",)
CORRECT = ("hazards.change_hazard",)
VOID = ("hazards.delete_hazard",)
TRANSITION = ("hazards.transition_hazard",)
LIST = ("hazards.list_hazard",)
ISSUE = ("hazards.issue_notice_hazard",)
RECHECK = ("hazards.recheck_hazard",)


# The steps (services.available_actions names) an enterprise system may take with its key;
# HazardViewSet.key_actions are the matching view actions.
KEY_STEPS = frozenset({"start_rectification", "update_plan", "submit_rectification"})


# --- shared pieces --------------------------------------------------------------------------

class AttachmentSerializer(ModelSerializer):
    kind = EnumField(Attachment.Kind, enum_name="AttachmentKindEnum", read_only=True)
    url = serializers.SerializerMethodField()
    uploaded_by = UserNameField()

    class Meta:
        model = Attachment
        fields = ["id", "kind", "name", "size", "url", "uploaded_at", "uploaded_by", "event"]

    def get_url(self, obj) -> str:
        return absolute(self.context, obj.get_absolute_url())  # the scoped download view, never the storage URL


class TimelineEventSerializer(Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField()
    at = serializers.DateTimeField()
    actor = serializers.IntegerField(source="actor_id", allow_null=True)
    actor_name = UserNameField(source="actor")
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    comment = serializers.CharField()
    data = serializers.JSONField()
    attachments = AttachmentSerializer(many=True)


def absolute(context, url: str) -> str:
    """``url`` made absolute with the request of the serializer's context, if any."""
    request = context.get("request")
    return request.build_absolute_uri(url) if request is not None else url


PDF = "application/pdf"


class PdfRenderer(BinaryFileRenderer):
    """Lets clients ask for a PDF; the view returns the file itself, and an error (a dict) is
    still sent as JSON."""

    media_type = PDF
    format = "pdf"
