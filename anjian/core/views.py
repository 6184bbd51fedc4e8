"""The UI shell: home page (the user's dashboard of counts)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    from anjian.enterprises.selectors import home_counts

    return render(request, "core/home.html", {"counts": home_counts(request.user)})
