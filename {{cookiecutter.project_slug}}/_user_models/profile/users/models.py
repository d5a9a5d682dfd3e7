from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from users.fields import AutoCreateOneToOneField
from users.managers import ProfileManager


class Profile(models.Model):
    """
    What the project knows about a user beyond Django's built-in auth.User.

    Every user has exactly one profile, reached as user.profile: a post_save
    receiver creates it with the user, and reading user.profile creates any
    that is still missing. The fields must stay optional in the database, or
    creating a user would fail; make a field required in forms instead.
    """

    user = AutoCreateOneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    phone_number = models.CharField(_("phone number"), max_length=32, blank=True)

    objects = ProfileManager()

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)
