from django.conf import settings


def platform(request):
    return {"PLATFORM_NAME": settings.GOVSHARE_PLATFORM_NAME}
