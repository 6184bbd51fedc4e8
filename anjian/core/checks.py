"""System checks of the installation (run by every `anjian` command and at start-up): the
PDF font and the collected static files. Registered by ``CoreConfig.ready``."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.compatibility)
def pdf_font_check(app_configs=None, **kwargs):
    """anjian.E001: the configured PDF font cannot be used; anjian.W001: no font to embed was
    found, so PDFs fall back to the non-embedded STSong-Light (see anjian/core/pdf.py)."""
    from . import pdf

    try:
        found = pdf.find_font()
        if found is not None and getattr(settings, "ANJIAN_PDF_FONT", ""):
            pdf.cjk_font()  # loading it is the only way to know a configured file is usable
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="anjian.E001")]
    if found is None:
        return [Warning(
            "No TrueType Chinese font to embed in PDFs was found; PDFs use the non-embedded font "
            "STSong-Light, which viewers without Adobe's Chinese fonts cannot show.",
            hint="Install the Debian package fonts-wqy-zenhei (or fonts-wqy-microhei), or set ANJIAN_PDF_FONT "
                 "to a .ttf/.ttc file with TrueType outlines.",
            id="anjian.W001")]
    return []


# Not tagged "staticfiles": `collectstatic` runs those checks, and would warn before collecting.
@register("anjian")
def static_manifest_check(app_configs=None, **kwargs):
    """anjian.W002: with DEBUG off, pages name the hashed files of the collected manifest; with
    no manifest every page would fail."""
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

    if settings.DEBUG or not isinstance(staticfiles_storage, ManifestFilesMixin):
        return []
    if staticfiles_storage.exists(staticfiles_storage.manifest_name):
        return []
    return [Warning(
        f"Static files have not been collected into {settings.STATIC_ROOT}: with DEBUG off every page will fail.",
        hint="Run `anjian collectstatic --noinput` (`make demo` and `make serve` do).", id="anjian.W002")]
