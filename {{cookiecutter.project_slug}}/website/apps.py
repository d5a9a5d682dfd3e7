from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebsiteConfig(AppConfig):
    """The site's own plumbing, beside the apps that hold its data."""

    name = "website"
    verbose_name = _("Website")

    def ready(self):
        from website import checks  # noqa: F401 - registers the deployment checks
