"""Material files and rendered notebooks, served only after a visibility check."""

from csp.decorators import csp_exempt
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from society.storage import private_file_response

from .. import selectors
from ..models import Material

# The rendered notebook's own policy: no script at all, images only inline,
# its styles inline, and only our own pages may frame it. `sandbox` (allowing
# nothing) holds even when the page is opened outside its sandboxed frame.
NOTEBOOK_CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
    "frame-ancestors 'self'{extra}; base-uri 'none'; form-action 'none'; sandbox"
)


def get_material_for(request, token: str) -> Material:
    """The material, if `request.user` may see it: a visitor is asked to log in,
    a member who may not see it is refused, one not yet released (not available yet,
    or of a draft event) is not found."""
    material = get_object_or_404(Material.objects.select_related("event", "series"), token=token)
    viewer = selectors.Viewer.of(request.user)
    session_ids = selectors.series_session_ids(material.series_id) if material.series_id else None
    if viewer.may_see(material, session_ids=session_ids):
        return material
    if not selectors.is_released(material):
        raise Http404(_("Not available yet."))
    if not request.user.is_authenticated:
        raise _LoginNeeded
    raise PermissionDenied(
        _("This material is for members.")
        if material.visibility == Material.Visibility.MEMBERS
        else _("This material is for the people who attended.")
    )


class _LoginNeeded(Exception):
    pass


def _guarded(view):
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _LoginNeeded:
            return redirect_to_login(request.get_full_path())

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@require_GET
@_guarded
def material_download(request, token: str):
    """The file, once visibility is checked: a presigned link on object storage, else
    streamed or handed to the web server (society.storage.private_file_response)."""
    material = get_material_for(request, token)
    if not material.is_file:
        raise Http404(_("A link has no file."))
    return private_file_response(
        material.file, filename=material.original_name or "download", content_type=material.content_type
    )


@require_GET
@_guarded
def notebook(request, token: str):
    """The notebook's page: its rendering in a sandboxed frame, and the download."""
    material = get_material_for(request, token)
    if material.kind != Material.Kind.NOTEBOOK:
        raise Http404(_("Not a notebook."))
    frame_url = material.notebook_url + "frame/"
    if settings.USER_CONTENT_URL:
        frame_url = settings.USER_CONTENT_URL + frame_url
    return render(request, "workshops/notebook.html", {"material": material, "frame_url": frame_url})


@require_GET
@csp_exempt()
@xframe_options_exempt
@_guarded
def notebook_frame(request, token: str):
    """The rendered notebook alone, for the frame: inert HTML under its own strict CSP."""
    material = get_material_for(request, token)
    if material.kind != Material.Kind.NOTEBOOK:
        raise Http404(_("Not a notebook."))
    response = render(request, "workshops/notebook_frame.html", {"material": material})
    extra = f" {settings.SITE_URL}" if settings.USER_CONTENT_URL else ""
    response["Content-Security-Policy"] = NOTEBOOK_CSP.format(extra=extra)
    response["Cache-Control"] = "private, no-store"
    if not settings.USER_CONTENT_URL:
        response["X-Frame-Options"] = "SAMEORIGIN"  # frame-ancestors says it too
    return response
