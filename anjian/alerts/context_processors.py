"""The unread-warnings badge of the base layout."""


def warnings_badge(request):
    """The unread-warnings badge of the base layout: ``warning_unread_count`` (capped at
    ``alerts.engine.UNREAD_CAP``) and ``warning_unread_label`` ("99+" above the cap).

    Lazy and cached on the request: one query, and only if a template shows it."""
    from django.utils.functional import SimpleLazyObject

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        cached = getattr(request, "_anjian_unread_warnings", None)
        if cached is None:
            from .engine import unread_count

            cached = request._anjian_unread_warnings = unread_count(user)
        return cached

    def label() -> str:
        from .engine import UNREAD_CAP

        n = count()
        return f"{UNREAD_CAP - 1}+" if n >= UNREAD_CAP else str(n)

    return {"warning_unread_count": SimpleLazyObject(count), "warning_unread_label": SimpleLazyObject(label)}
