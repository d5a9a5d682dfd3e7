from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    name = "users"
    verbose_name = _("Users")

    def ready(self):
        from users.signals import create_profile

        post_save.connect(
            create_profile,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="users.create_profile",
        )
