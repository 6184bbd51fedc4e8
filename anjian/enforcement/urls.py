"""Pages of the enforcement app, mounted under /enforcement/ by the project URLconf."""

from django.urls import path

from . import views, views_draws, views_inspections, views_plans

app_name = "enforcement"
urlpatterns = [
    path("", views.home, name="home"),
    path("experts/", views.expert_list, name="experts"),
    path("experts/new/", views.expert_create, name="expert_create"),
    path("experts/<int:pk>/", views.expert_detail, name="expert"),
    path("experts/<int:pk>/edit/", views.expert_edit, name="expert_edit"),
    path("experts/<int:pk>/step/<str:action>/", views.expert_step, name="expert_step"),
    path("officers/", views.officers, name="officers"),
    path("certificates/", views.certificate_list, name="certificates"),
    path("certificates/new/", views.certificate_create, name="certificate_create"),
    path("certificates/<int:pk>/", views.certificate_detail, name="certificate"),
    path("certificates/<int:pk>/step/<str:action>/", views.certificate_step, name="certificate_step"),
    path("conflicts/", views.conflict_list, name="conflicts"),
    path("conflicts/new/", views.conflict_create, name="conflict_create"),
    path("conflicts/<int:pk>/step/<str:action>/", views.conflict_step, name="conflict_step"),
    path("draws/", views_draws.draw_list, name="draws"),
    path("draws/new/", views_draws.draw_create, name="draw_create"),
    path("draws/<int:pk>/", views_draws.draw_detail, name="draw"),
    path("draws/<int:pk>/verify/", views_draws.draw_verify, name="draw_verify"),
    path("draws/<int:pk>/step/<str:action>/", views_draws.draw_step, name="draw_step"),
    path("plans/", views_plans.plan_list, name="plans"),
    path("plans/new/", views_plans.plan_create, name="plan_create"),
    path("plans/frequency/", views_plans.frequency_table, name="frequency"),
    path("plans/<int:pk>/", views_plans.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", views_plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/add/", views_plans.plan_add, name="plan_add"),
    path("plans/<int:pk>/step/<str:action>/", views_plans.plan_step, name="plan_step"),
    path("plans/entries/<int:pk>/", views_plans.plan_entry, name="plan_entry"),
    path("plans/entries/<int:pk>/step/<str:action>/", views_plans.plan_entry_step, name="plan_entry_step"),
    # on-site inspections (执法检查)
    path("inspections/", views_inspections.inspection_list, name="inspections"),
    path("inspections/new/", views_inspections.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", views_inspections.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/site/", views_inspections.inspection_walk, name="inspection_walk"),
    path("inspections/<int:pk>/results/", views_inspections.inspection_results, name="inspection_results"),
    path("inspections/<int:pk>/items/<int:item_pk>/<str:disposition>/", views_inspections.inspection_finding,
         name="inspection_finding"),
    path("inspections/<int:pk>/signature/", views_inspections.inspection_signature, name="inspection_signature"),
    path("inspections/<int:pk>/step/<str:action>/", views_inspections.inspection_step, name="inspection_step"),
    path("inspections/documents/<int:pk>/pdf/", views_inspections.document_pdf, name="inspection_document"),
    path("inspections/rotations/", views_inspections.rotation_list, name="rotations"),
    path("inspections/rotations/new/", views_inspections.rotation_create, name="rotation_create"),
    path("inspections/rotations/<int:pk>/step/<str:action>/", views_inspections.rotation_step,
         name="rotation_step"),
]
