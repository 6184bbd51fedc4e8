"""Enterprise-system API keys (与企业隐患排查治理系统联网) in the API: the keys in the caller's
jurisdiction, issuing one (its secret answered once) and revoking one."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from anjian.core.api import ScopedReadOnlyViewSet, ScopedRelatedFieldsMixin
from anjian.core.api_fields import ModelSerializer, Serializer, UserNameField
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import Role
from anjian.orgs.models import User

from .api_common import FILTER_BACKENDS
from .auth import issue_key, revoke_key
from .filters import EnterpriseApiKeyFilter
from .models import EnterpriseApiKey
from .policy import policy

# --- enterprise-system API keys -----------------------------------------------------------------

class EnterpriseApiKeySerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), required=False,
        help_text="the enterprise (an enterprise user may leave it out: their own)")
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    user = serializers.IntegerField(source="user_id", required=False,
                                    help_text="the enterprise user the key acts as (by default the caller, "
                                              "if an enterprise user)")
    user_name = UserNameField(source="user")
    created_by = UserNameField()
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = EnterpriseApiKey
        fields = ["id", "enterprise", "enterprise_name", "user", "user_name", "name", "prefix", "is_active",
                  "created_by", "created_at", "last_used_at", "revoked_at"]
        read_only_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]

    def validate(self, attrs):
        actor = self.context["request"].user
        enterprise = attrs.get("enterprise")
        if enterprise is None:
            if actor.role != Role.ENTERPRISE or actor.scope_enterprise is None:
                raise serializers.ValidationError({"enterprise": _("This field is required.")})
            enterprise = attrs["enterprise"] = actor.scope_enterprise
        user_id = attrs.pop("user_id", None)
        if user_id is None and actor.role == Role.ENTERPRISE:
            user_id = actor.pk
        user = User.objects.filter(pk=user_id, role=Role.ENTERPRISE, scope_enterprise=enterprise,
                                   is_active=True).first() if user_id is not None else None
        if user is None:
            raise serializers.ValidationError({"user": _("The key must act as an active user of this enterprise.")})
        attrs["user"] = user
        return attrs

    def create(self, validated_data):
        issued = issue_key(actor=self.context["request"].user, enterprise=validated_data["enterprise"],
                           user=validated_data["user"], name=validated_data["name"])
        issued.key.secret = issued.secret
        return issued.key


class IssuedApiKeySerializer(EnterpriseApiKeySerializer):
    secret = serializers.CharField(read_only=True, help_text="the key itself: shown this once, never again")

    class Meta(EnterpriseApiKeySerializer.Meta):
        fields = [*EnterpriseApiKeySerializer.Meta.fields, "secret"]


class RevokeSerializer(Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class KeyManagerPermission(permissions.IsAuthenticated):
    """Reads open (scoping decides what is seen); issuing and revoking keys only for the roles
    that manage keys at all (the policy's ``manage_keys`` then decides per enterprise)."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        return request.method in permissions.SAFE_METHODS or policy.manages_keys(request.user)


class EnterpriseApiKeyViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """API keys of enterprise systems (与企业隐患排查治理系统联网) in the caller's jurisdiction.

    POST issues a key and answers its ``secret`` once; only its hash is kept. Keys are issued and
    revoked by an administrator, a regulator of the enterprise's jurisdiction or the enterprise's
    own user. A key acts as one enterprise user: ``Authorization: Api-Key <secret>``."""

    queryset = EnterpriseApiKey.objects.all()
    serializer_class = EnterpriseApiKeySerializer
    filterset_class = EnterpriseApiKeyFilter
    filter_backends = FILTER_BACKENDS
    permission_classes = [KeyManagerPermission]
    ordering_fields = ["created_at", "last_used_at", "id"]

    select_related = ("enterprise", "user", "created_by")

    @extend_schema(responses={201: IssuedApiKeySerializer})
    def create(self, request, *args, **kwargs):
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        key = ser.save()
        return Response(IssuedApiKeySerializer(key, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=RevokeSerializer, responses=EnterpriseApiKeySerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        key = self.get_object()
        ser = RevokeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        key = revoke_key(key, actor=request.user, comment=ser.validated_data["comment"])
        return Response(EnterpriseApiKeySerializer(self.get_queryset().get(pk=key.pk),
                                                   context=self.get_serializer_context()).data)
