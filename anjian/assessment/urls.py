"""Pages of this app, mounted under /assessment/ by the project URLconf."""

from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.indicator_list, name="indicators"),
    path("indicator/", views.indicator_detail, name="indicator"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("wall/", views.wall, name="wall"),
    path("targets/", views.agreement_list, name="agreements"),
    path("targets/<int:pk>/", views.agreement_detail, name="agreement"),
    path("targets/<int:pk>/sign/", views.agreement_sign, name="agreement_sign"),
    path("targets/<int:pk>/void/", views.agreement_void, name="agreement_void"),
    path("schemes/", views.scheme_list, name="schemes"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/circular.pdf", views.round_circular, name="circular"),
    path("assessments/", views.assessment_list, name="assessments"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/adjustments/<int:adjustment_pk>/remove/", views.adjustment_remove,
         name="adjustment_remove"),
    path("assessments/<int:pk>/<slug:action>/", views.assessment_action, name="assessment_action"),
]
