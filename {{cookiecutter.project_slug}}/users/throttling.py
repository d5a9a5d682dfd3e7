from asgiref.sync import sync_to_async
from axes.backends import AxesStandaloneBackend
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError


class ThrottlingBackend(AxesStandaloneBackend):
    """django-axes' backend, callable from async code and outside requests as well."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        # Code that checks a password outside a request (a shell, a script, a
        # management command) has no address to count failures against, and
        # django-axes would raise: such a check goes on to the next backend,
        # unthrottled.
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)

    async def aauthenticate(self, request, **credentials):
        # Django's aauthenticate() asks every backend, and django-axes only
        # defines the synchronous method.
        return await sync_to_async(self.authenticate)(request, **credentials)


def login_name(request, credentials):
    """Name a log-in attempt after the account it is for, however it was spelled."""
    # Spellings that reach one account (an email address in any letter case)
    # count as one, or varying them would dodge the limit.
    user_model = get_user_model()
    data = credentials or getattr(request, "data", request.POST)
    name = data.get("username") or data.get(user_model.USERNAME_FIELD)
    if not name:
        return name
    try:
        return user_model._default_manager.get_by_natural_key(name).get_username()
    except (user_model.DoesNotExist, ValueError, ValidationError):
        # No account has this name. django-axes still counts the attempts,
        # under a name cut to fit the column it stores names in, which
        # PostgreSQL would otherwise refuse with an error.
        return name[: AccessAttempt._meta.get_field("username").max_length]
