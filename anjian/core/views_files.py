"""Attachment downloads: a file is served only to users who can see the record it belongs to.

Files are never linked by their storage URL, so a copied link does not leak a photo or a piece
of evidence out of its jurisdiction, and production needs no public media directory.
"""

import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404

from .models import Attachment
from .pages import scoped_list


def visible_attachment(user, pk: int) -> Attachment:
    """The attachment ``pk`` if its record is in ``user``'s scope; 404 otherwise (as if missing)."""
    att = Attachment.objects.select_related("content_type").filter(pk=pk).first()
    if att is None:
        raise Http404
    model = att.content_type.model_class()
    # A record that cannot be read through its scope (no ScopedQuerySet) shows no file.
    if model is None or not hasattr(model._default_manager, "for_user"):
        raise Http404
    if not scoped_list(user, model, include_voided=True, pk=att.object_id).exists():
        raise Http404
    return att


@login_required
def attachment_download(request, pk: int):
    att = visible_attachment(request.user, pk)
    try:
        handle = att.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(att.name)[0] or "application/octet-stream"
    # Photos open in the browser; anything else downloads under its original name.
    inline = content_type.startswith("image/") or content_type == "application/pdf"
    return FileResponse(handle, content_type=content_type, as_attachment=not inline, filename=att.name)
