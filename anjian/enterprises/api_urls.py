from django.urls import path
from rest_framework import generics, permissions

from .api import IndustrySerializer
from .models import Industry


class IndustryList(generics.ListAPIView):
    """The industry taxonomy (reference data, readable by any logged-in user)."""

    queryset = Industry.objects.select_related("parent")
    serializer_class = IndustrySerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None
    filter_backends = []


urlpatterns = [path("", IndustryList.as_view(), name="api-industries")]
