import unicodedata

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.hashers import make_password
from django.db.models import Value
from django.db.models.functions import Lower


class UserManager(BaseUserManager):
    # Data migrations get this manager on a historical model, which has none of
    # User's methods; that is why passwords are hashed with make_password() rather
    # than set_password(). The initial migration imports this class by its path, so
    # it must keep its name and module.
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email):
        """Return the one spelling stored for an address: stripped and lower-cased."""
        # RFC 5321 lets the part before "@" be case-sensitive, but no provider
        # delivers Foo@ and foo@ to different people, and one account per person
        # matters more. NFKC is what AbstractBaseUser.clean() applies to a login;
        # strip() again because the parent strips only an address with an "@".
        email = unicodedata.normalize("NFKC", super().normalize_email(email))
        return email.strip().lower()

    def get_by_natural_key(self, email):
        """Return the user with this email address, whatever its case."""
        return self._filter_email(email).get()

    async def aget_by_natural_key(self, email):
        return await self._filter_email(email).aget()

    def _filter_email(self, email):
        # Login, createsuperuser and loaddata all come through here. Comparing the
        # same expression as the unique constraint lets PostgreSQL answer from its
        # index, which email__iexact (compiled to UPPER()) cannot use.
        return self.alias(email_lower=Lower("email")).filter(
            email_lower=Lower(Value(self.normalize_email(email)))
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
