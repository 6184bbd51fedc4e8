"""The API of the security app: API tokens (obtain, rotate, revoke) and the security log (read-only,
for system administrators)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from anjian.core.api import ScopedReadOnlyViewSet
from anjian.core.api_fields import BoundedFieldsMixin, ModelSerializer
from anjian.core.pagination import StandardPagination
from anjian.orgs.permissions import IsSystemAdmin

from .auth import ApiTokenAuthentication
from .filters import SecurityEventFilter
from .models import ApiToken, SecurityEvent
from .services import issue_token, revoke_token, rotate_token

TOKEN_ANSWER = inline_serializer("IssuedToken", {"token": serializers.CharField(),
                                                 "expires_at": serializers.DateTimeField()})


def _answer(key: str, token: ApiToken, code=status.HTTP_200_OK) -> Response:
    return Response({"token": key, "expires_at": token.expires_at}, status=code)


def _without_token(request, message: str) -> Response | None:
    """The 400 answer (``message``) when the request did not come with an API token in its
    Authorization header (only the token sent can be revoked or rotated); None when it did."""
    if isinstance(request.auth, ApiToken):
        return None
    return Response({"detail": message}, status=status.HTTP_400_BAD_REQUEST)


class TokenRequestSerializer(BoundedFieldsMixin, AuthTokenSerializer):
    """DRF's user name and password, bounded like every other input (``core.bounds``)."""


class TokenView(APIView):
    """POST {"username", "password"} → {"token", "expires_at"}: a new API token (shown once).
    Failed attempts count toward the lockout (django-axes); a locked account gets 429 with a
    message saying so, even with the right password. DELETE (with the token) revokes it."""

    permission_classes = [AllowAny]
    authentication_classes = [ApiTokenAuthentication]
    throttle_classes: list = []

    @extend_schema(request=TokenRequestSerializer, responses={200: TOKEN_ANSWER})
    def post(self, request, *args, **kwargs):
        from axes.handlers.proxy import AxesProxyHandler
        from axes.helpers import get_cool_off

        credentials = {"username": str(request.data.get("username", ""))}
        AxesProxyHandler.update_request(request._request)
        if AxesProxyHandler.is_locked(request._request, credentials):
            cool_off = get_cool_off(request._request)
            minutes = int(cool_off.total_seconds() // 60) if cool_off else None
            return Response(
                {"detail": _("Too many failed log-ins: this account is locked for %(minutes)s minutes.")
                 % {"minutes": minutes}},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        key, token = issue_token(serializer.validated_data["user"], request=request)
        return _answer(key, token)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, *args, **kwargs):
        if (refused := _without_token(request, _("Send the token to revoke in the Authorization header."))) is not None:
            return refused
        revoke_token(request.auth, actor=request.user, request=request, reason="signed out")
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenRotateView(APIView):
    """POST (with a live token) → a new token; the one sent stops working at once."""

    permission_classes = [IsAuthenticated]
    authentication_classes = [ApiTokenAuthentication]

    @extend_schema(request=None, responses={201: TOKEN_ANSWER})
    def post(self, request, *args, **kwargs):
        if (refused := _without_token(request, _("Send the token to rotate in the Authorization header."))) is not None:
            return refused
        key, token = rotate_token(request.auth, request=request)
        return _answer(key, token, status.HTTP_201_CREATED)


class SecurityEventSerializer(ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)

    class Meta:
        model = SecurityEvent
        fields = ["id", "at", "kind", "kind_display", "username", "actor", "ip_address", "user_agent", "detail"]


class SecurityEventViewSet(ScopedReadOnlyViewSet):
    """The security log, newest first; system administrators only, read-only."""

    scope_exempt = "the log of the whole installation, read by system administrators only (IsSystemAdmin)"

    queryset = SecurityEvent.objects.select_related("actor").order_by("-at", "-id")
    serializer_class = SecurityEventSerializer
    permission_classes = [IsAuthenticated, IsSystemAdmin]
    filterset_class = SecurityEventFilter
    pagination_class = StandardPagination
    ordering_fields = ["at"]
    search_fields: list[str] = []
