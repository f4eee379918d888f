"""URL map: the web pages of each app, the REST API under /api/v1/, the OpenAPI document and its docs."""

from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("govshare.core.urls")),
    path("", include("govshare.users.urls")),
    path("organizations/", include("govshare.organizations.urls")),
    path("catalog/", include("govshare.catalog.urls")),
    path("calendar/", include("govshare.workdays.urls")),
    path("data/", include("govshare.datastore.urls")),
    path("mounting/", include("govshare.mounting.urls")),
    path("sharing/", include("govshare.sharing.urls")),
    path("exchange/", include("govshare.delivery.urls")),
    path("objections/", include("govshare.objections.urls")),
    path("inventory/", include("govshare.inventory.urls")),
    path("zombies/", include("govshare.zombies.urls")),
    path("projects/", include("govshare.projects.urls")),
    path("supervision/", include("govshare.supervision.urls")),
    path("service-items/", include("govshare.serviceitems.urls")),
    path("notifications/", include("govshare.notifications.urls")),
    path("audit/", include("govshare.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("govshare.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
