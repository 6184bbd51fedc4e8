"""Pages of this app, mounted under /emergency/ by the project URLconf: the same four pages per
ledger (``views.LEDGERS``), the card's PDF and public page, the regulatory numbers."""

from django.urls import path

from . import views

app_name = "emergency"
urlpatterns = [
    path("parameters/", views.parameters, name="parameters"),
    path("cards/<int:pk>/card.pdf", views.card_pdf, name="card_pdf"),
    path("card/<str:token>/", views.card_public, name="card_public"),
]
for _ledger in views.LEDGERS.values():
    _views = views.pages(_ledger)
    urlpatterns += [
        path(f"{_ledger.key}/", _views["list"], name=_ledger.key.replace("/", "_")),
        path(f"{_ledger.key}/new/", _views["form"], name=f"{_ledger.name}_create"),
        path(f"{_ledger.key}/<int:pk>/", _views["detail"], name=_ledger.name),
        path(f"{_ledger.key}/<int:pk>/edit/", _views["form"], name=f"{_ledger.name}_edit"),
        path(f"{_ledger.key}/<int:pk>/step/", _views["step"], name=f"{_ledger.name}_step"),
    ]
