"""The REST API root: each app registers its viewsets in its own api/urls.py."""

from django.urls import include, path

urlpatterns = [
    path("", include("govshare.core.api.urls")),
    path("organizations/", include("govshare.organizations.api.urls")),
    path("users/", include("govshare.users.api.urls")),
    path("catalog/", include("govshare.catalog.api.urls")),
    path("audit/", include("govshare.audit.api.urls")),
    path("calendar/", include("govshare.workdays.api.urls")),
    path("data/", include("govshare.datastore.api.urls")),
    path("mounting/", include("govshare.mounting.api.urls")),
    path("sharing/", include("govshare.sharing.api.urls")),
    path("exchange/", include("govshare.delivery.api.urls")),
    path("objections/", include("govshare.objections.api.urls")),
]
