"""The WSGI entry point: the data plane's bearer calls take a lean handler, everything else Django's full one."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govshare.settings")
full_application = get_wsgi_application()

from govshare.core.handlers import LeanWSGIHandler, is_data_plane_call  # noqa: E402 - after Django is set up

data_plane_application = LeanWSGIHandler()


def application(environ, start_response):
    if is_data_plane_call(environ):
        return data_plane_application(environ, start_response)
    return full_application(environ, start_response)
