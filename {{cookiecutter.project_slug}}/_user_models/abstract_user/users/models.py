from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """
    Django's user, with username login, extended in its own table.

    Add fields here; every one of them loads with the user, with no extra query.
    """

    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    phone_number = models.CharField(_("phone number"), max_length=32, blank=True)
