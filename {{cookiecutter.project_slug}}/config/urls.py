from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("admin/", admin.site.urls),
    # Login, logout and the password-reset flow, whose emails link back here.
    path("accounts/", include("django.contrib.auth.urls")),
]
