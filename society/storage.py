"""How a private file reaches someone allowed to have it (the caller has checked).

One rule for every private file, wherever it is stored:
- on object storage, a redirect to a presigned link that expires after
  S3_PRESIGNED_SECONDS (the bytes never pass through the app), or, with
  PRIVATE_MATERIALS_DELIVERY=stream, the bytes streamed through the app;
- on the local disk, the web server sends it when SENDFILE_HEADER is set
  (X-Accel-Redirect), otherwise the app streams it.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header


def private_file_response(file: FieldFile, *, filename: str, content_type: str) -> HttpResponse:
    """The download of `file` as an attachment named `filename`, of `content_type`."""
    content_type = content_type or "application/octet-stream"
    on_disk = isinstance(file.storage, FileSystemStorage)
    if not on_disk and settings.PRIVATE_MATERIALS_DELIVERY == "redirect":
        link = file.storage.url(
            file.name,
            parameters={
                "ResponseContentDisposition": content_disposition_header(True, filename),
                "ResponseContentType": content_type,
            },
        )
        response = HttpResponseRedirect(link)
        response["Cache-Control"] = "private, no-store"  # the link is this person's, for minutes
        return response
    if on_disk and settings.SENDFILE_HEADER:
        response = HttpResponse(content_type=content_type)
        response[settings.SENDFILE_HEADER] = settings.SENDFILE_PREFIX.rstrip("/") + "/" + file.name
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
    return FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
