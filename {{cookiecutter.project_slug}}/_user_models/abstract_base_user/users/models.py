from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from users.emails import canonical_email
from users.managers import UserManager

EMAIL_TAKEN = _("A user with that email address already exists.")


class User(AbstractBaseUser, PermissionsMixin):
    """
    A user who logs in with an email address; there is no username.

    One mailbox is one account: every way of saving a user stores the address
    in its one spelling (see canonical_email()), and the database refuses two
    that differ only in case.
    """

    email = models.EmailField(
        _("email address"), unique=True, error_messages={"unique": EMAIL_TAKEN}
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Designates whether the user can log into this admin site."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_(
            "Designates whether this user should be treated as active. "
            "Unselect this instead of deleting accounts."
        ),
    )
    awaiting_confirmation = models.BooleanField(
        _("awaiting confirmation"),
        default=False,
        help_text=_(
            "Signed up on the site, and the link mailed to the address not yet "
            "followed. Only such an account opens through a mailed link."
        ),
    )
    pending_email = models.EmailField(
        _("new email address"),
        blank=True,
        help_text=_(
            'An address asked for on "Your account"; it replaces the current '
            "one once the link mailed to it is followed."
        ),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    phone_number = models.CharField(_("phone number"), max_length=32, blank=True)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    # createsuperuser asks for USERNAME_FIELD, the password and these fields.
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # unique=True is what Django's checks and createsuperuser require of a
            # USERNAME_FIELD; this constraint also holds against rows written by
            # bulk_create(), update() or raw SQL, which skip the manager.
            models.UniqueConstraint(
                Lower("email"),
                name="users_user_email_ci_unique",
                violation_error_message=EMAIL_TAKEN,
            ),
        ]

    def clean(self):
        super().clean()
        try:
            self.email = canonical_email(self.email)
        except ValidationError as error:
            raise ValidationError({"email": error}) from None

    def save(self, **kwargs):
        # Import tools and objects.create() skip the manager and the forms. A save
        # that leaves the email alone, such as login's update of last_login, does
        # not check it, so an address stored earlier cannot make it fail.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "email" in update_fields:
            self.email = canonical_email(self.email)
        super().save(**kwargs)
