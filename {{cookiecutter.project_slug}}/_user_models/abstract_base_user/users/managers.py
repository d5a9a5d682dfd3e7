from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db.models import Value
from django.db.models.functions import Lower

from users.emails import canonical_email


class UserManager(BaseUserManager):
    # Data migrations get this manager on a historical model, which has none of
    # User's methods; that is why passwords are hashed with make_password() rather
    # than set_password(). The initial migration imports this class by its path, so
    # it must keep its name and module.
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email):
        """Return the one spelling stored for an address; see canonical_email()."""
        return canonical_email(email)

    def get_by_natural_key(self, email):
        """Return the user with this email address, in any of its spellings."""
        return self.with_email(email).get()

    async def aget_by_natural_key(self, email):
        return await self.with_email(email).aget()

    def with_email(self, email):
        """Return the users with this email address, in any of its spellings."""
        # Login, createsuperuser and loaddata all come through here. Comparing the
        # same expression as the unique constraint lets PostgreSQL answer from its
        # index, which email__iexact (compiled to UPPER()) cannot use.
        try:
            email = self.normalize_email(email)
        except ValidationError:
            # No account is stored under a refused spelling; login then fails
            # as for an unknown address instead of raising.
            return self.none()
        return self.alias(email_lower=Lower("email")).filter(
            email_lower=Lower(Value(email))
        )

    def _create_user(self, email, password, **extra_fields):
        email = self.normalize_email(email)
        if not email:
            raise ValueError("The given email must be set")
        user = self.model(email=email, **extra_fields)
        user.password = make_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    create_user.alters_data = True

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)

        if extra_fields.get("is_staff") is not True:
            raise ValueError("Superuser must have is_staff=True.")
        if extra_fields.get("is_superuser") is not True:
            raise ValueError("Superuser must have is_superuser=True.")

        return self._create_user(email, password, **extra_fields)

    create_superuser.alters_data = True
