"""Pages of the inspections app (mounted at /inspections/)."""

from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("", views.record_list, name="list"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/start/", views.task_start, name="task_start"),
    path("new/", views.record_create, name="create"),
    path("records/<int:pk>/", views.record_detail, name="detail"),
    path("records/<int:pk>/results/", views.record_results, name="results"),
    path("records/<int:pk>/items/", views.add_item, name="add_item"),
    path("records/<int:pk>/items/<int:item_pk>/raise-hazard/", views.raise_hazard, name="raise_hazard"),
    path("records/<int:pk>/edit/", views.record_edit, name="edit"),
    path("records/<int:pk>/void/", views.record_void, name="void"),
    path("duties/", views.duty_list, name="duties"),
    path("duties/<int:pk>/edit/", views.duty_edit, name="duty_edit"),
    path("duties/<int:pk>/void/", views.duty_void, name="duty_void"),
    path("enterprises/<int:pk>/duties/", views.enterprise_duties, name="enterprise_duties"),
    path("enterprises/<int:pk>/duties/new/", views.duty_create, name="duty_create"),
]
