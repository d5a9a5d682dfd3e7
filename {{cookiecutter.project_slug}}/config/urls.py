from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # Login, logout and the password-reset flow, whose emails link back here.
    path("accounts/", include("django.contrib.auth.urls")),
]
