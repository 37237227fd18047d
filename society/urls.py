from allauth.account.decorators import secure_admin_login
from django.apps import apps
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from . import favicon, views

# The admin's login goes through allauth: same rate limits, same verification.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = f"{settings.SOCIETY_NAME} admin"
admin.site.site_title = admin.site.site_header

# The society's apps, in the order their URLs are tried; each only while it is installed.
SOCIETY_APPS = ["events", "members", "workshops", "proposals", "credentials"]

# A database that cannot be reached is a friendly 503 (society.views.server_error).
handler400 = views.bad_request
handler500 = views.server_error

urlpatterns = [
    *[path("", include(f"{app}.urls")) for app in SOCIETY_APPS if apps.is_installed(app)],
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", favicon.favicon, name="favicon"),
    path("emails/unsubscribe/<str:token>/", views.unsubscribe, name="email_unsubscribe"),
]

# Uploaded files (avatars) in development only: static() adds nothing unless
# DEBUG. In production the web server or a storage service serves MEDIA_ROOT.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
