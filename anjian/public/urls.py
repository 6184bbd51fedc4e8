"""Pages of this app: the public side under /public/ (no log-in) and the handlers' under /tips/."""

from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    path("public/", views.index, name="index"),
    path("public/tips/new/", views.tip_new, name="tip_new"),
    path("public/tips/track/", views.track, name="track"),
    path("public/tips/track/add/", views.track_add, name="track_add"),
    path("public/captcha/<str:token>/", views.captcha, name="captcha"),
    path("public/hazards/", views.public_hazards, name="public_hazards"),
    path("public/blacklist/", views.public_blacklist, name="public_blacklist"),
    path("public/rankings/", views.public_rankings, name="public_rankings"),
    path("tips/", views.tip_list, name="tips"),
    path("tips/<int:pk>/", views.tip_detail, name="tip"),
    path("tips/<int:pk>/identity/", views.tip_identity, name="tip_identity"),
    path("tips/<int:pk>/step/", views.tip_step, name="tip_step"),
    path("tips/<int:pk>/reward/", views.reward_create, name="reward_create"),
    path("tips/rewards/<int:pk>/step/", views.reward_step, name="reward_step"),
    path("tips/publications/", views.publication_list, name="publications"),
    path("tips/listings/<int:pk>/publish/", views.publication_publish, name="publication_publish"),
    path("tips/publications/<int:pk>/withdraw/", views.publication_withdraw, name="publication_withdraw"),
]
