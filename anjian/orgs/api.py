from copy import copy

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.response import Response

from anjian.core.api import HistoryActionMixin, ScopedRelatedFieldsMixin, ScopedViewSet, django_error_to_drf
from anjian.core.api_fields import ModelSerializer
from anjian.enterprises.models import Enterprise, Industry
from anjian.regions.models import Grid, Region

from . import services
from .choices import Role
from .filters import DepartmentFilter, UserFilter
from .models import Department, User
from .permissions import IsSystemAdmin
from .roles import apply_role_group


class DepartmentSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    industries = serializers.SlugRelatedField(slug_field="code", many=True, queryset=Industry.objects.all(),
                                              required=False)

    class Meta:
        model = Department
        fields = ["id", "name", "kind", "region", "industries", "phone", "duties", "is_demo"]
        read_only_fields = ["is_demo"]


class DepartmentViewSet(HistoryActionMixin, ScopedViewSet):
    """Departments of the regions in the caller's jurisdiction. Writes: system administrators."""

    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilter
    select_related = ("region",)
    prefetch_related = ("industries",)
    search_fields = ["name"]
    ordering_fields = ["name", "kind"]
    void_service = staticmethod(services.void_department)


class UserSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"})
    scope_region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), allow_null=True,
                                                required=False)
    scope_grid = serializers.SlugRelatedField(slug_field="code", queryset=Grid.objects.all(), allow_null=True,
                                              required=False)
    scope_industries = serializers.SlugRelatedField(slug_field="code", many=True, queryset=Industry.objects.all(),
                                                    required=False)
    scope_enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all(), allow_null=True,
                                                          required=False)

    class Meta:
        model = User
        fields = ["id", "username", "name", "phone", "email", "role", "department", "scope_region",
                  "scope_industries", "scope_grid", "scope_enterprise", "is_active", "password", "last_login"]
        read_only_fields = ["last_login"]

    def validate(self, attrs):
        probe = copy(self.instance) if self.instance else User()
        for name, value in attrs.items():
            if name not in {"scope_industries", "password"}:
                setattr(probe, name, value)
        try:
            probe.clean()
        except DjangoValidationError as exc:
            raise django_error_to_drf(exc) from exc
        if "password" in attrs:
            try:
                password_validation.validate_password(attrs["password"], probe)
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        elif self.instance is None:
            raise serializers.ValidationError({"password": _("Set a password.")})
        return attrs

    @transaction.atomic
    def save(self, **kwargs):
        password = self.validated_data.pop("password", None)
        # System administrators work in /admin/ too, which needs is_staff.
        kwargs["is_staff"] = self.validated_data.get("role", getattr(self.instance, "role", None)) == Role.ADMIN
        user = super().save(**kwargs)
        if password:
            user.set_password(password)
            user.save(update_fields=["password"])
        apply_role_group(user)
        return user


class UserViewSet(ScopedViewSet):
    """User accounts (system administrators only). DELETE deactivates the account."""

    queryset = User.objects.all()
    serializer_class = UserSerializer
    permission_classes = [IsSystemAdmin]
    filterset_class = UserFilter
    select_related = ("department", "scope_region", "scope_grid", "scope_enterprise")
    prefetch_related = ("scope_industries",)
    search_fields = ["username", "name", "phone"]
    ordering_fields = ["username", "name", "role"]

    def destroy(self, request, *args, **kwargs):
        services.deactivate_user(self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
