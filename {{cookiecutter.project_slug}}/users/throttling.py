from asgiref.sync import sync_to_async
from axes.backends import AxesStandaloneBackend
from axes.utils import reset
from django.contrib.auth import views as auth_views


class ThrottlingBackend(AxesStandaloneBackend):
    """django-axes' backend, callable from async code as well."""

    async def aauthenticate(self, request, **credentials):
        # Django's aauthenticate() asks every backend, and django-axes only
        # defines the synchronous method.
        return await sync_to_async(self.authenticate)(request, **credentials)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view; a new password also lifts a lockout for failed log-ins."""

    def form_valid(self, form):
        response = super().form_valid(form)
        reset(username=form.user.get_username())
        return response
