from django.apps import AppConfig
from django.conf import settings
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class WebsiteConfig(AppConfig):
    """The site's own plumbing, beside the apps that hold its data."""

    name = "website"
    verbose_name = _("Website")

    def ready(self):
        from django.contrib import admin

        from users import second_factor  # noqa: F401 - makes log-ins owe a code
        from website import checks  # noqa: F401 - registers the deployment checks

        # The admin's header and page titles name the project, not Django.
        admin.site.site_header = admin.site.site_title = settings.SITE_NAME


class SecondFactorAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, whose admin.site asks staff for a second factor."""

    # Named in INSTALLED_APPS, not the configuration of the website app.
    default = False
    default_site = "users.admin_site.SecondFactorAdminSite"
