from django.conf import settings


def society(request):
    return {"society_name": settings.SOCIETY_NAME, "site_url": settings.SITE_URL}
