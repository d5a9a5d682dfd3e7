from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from wagtail.admin import urls as wagtailadmin_urls

# Only the root URLconf names the error views: this one stands in for the
# project's, so it keeps the project's.
from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from third_party.views import CurrentUserView

urlpatterns = [
    # Before the project's own URLs, so that allauth's login page is the one at
    # accounts/login/, as its installation guide has it.
    path("accounts/", include("allauth.urls")),
    path("api/token/", obtain_auth_token, name="api_token"),
    path("api/me/", CurrentUserView.as_view(), name="api_me"),
    path("api/auth/", include("dj_rest_auth.urls")),
    path("api/auth/registration/", include("dj_rest_auth.registration.urls")),
    path("impersonate/", include("impersonate.urls")),
    path("cms/", include(wagtailadmin_urls)),
    path("", include("config.urls")),
]
