from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("departments/", views.department_list, name="departments"),
    path("departments/<int:pk>/", views.department_detail, name="department"),
]
