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
    path("inventory/", include("govshare.inventory.api.urls")),
    path("zombies/", include("govshare.zombies.api.urls")),
    path("projects/", include("govshare.projects.api.urls")),
    path("supervision/", include("govshare.supervision.api.urls")),
    path("service-items/", include("govshare.serviceitems.api.urls")),
]
