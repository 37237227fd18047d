"""The project's URLs plus a bare view: the baseline for a page's requests per second
(same server, same middleware, no database work of its own)."""

from django.http import HttpResponse
from django.urls import path

from society.urls import urlpatterns as project_urlpatterns


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [*project_urlpatterns, path("bench/bare/", bare, name="bench_bare")]
