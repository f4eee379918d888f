"""The URL map of the lean data-plane handler (govshare.core.handlers): only the data plane, so resolving a lookup
does not walk every page's pattern first. The same module and namespace as in govshare/api_urls.py."""

from django.urls import include, path

urlpatterns = [path("api/v1/exchange/", include("govshare.delivery.api.urls"))]
