from axes.utils import reset
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.db import transaction
from django.http import HttpResponseRedirect

from users.mail import mail_password_reset, within_mail_limits


class StoredSpellingEmailField(forms.EmailField):
    """
    An email field whose value is spelled as the user model's manager stores
    addresses, before it is validated and looked up.
    """

    def to_python(self, value):
        # Django compares addresses without regard to case only; the manager
        # also folds the other spellings the user model treats as one address
        # (with an email login: width, Unicode and ASCII domain names) and
        # refuses invisible characters with a field error.
        manager = get_user_model()._default_manager
        return manager.normalize_email(super().to_python(value))


class PasswordResetForm(auth_forms.PasswordResetForm):
    """
    Django's form, which finds an account by any spelling of its address, and
    leaves the finding and the mail to a worker.
    """

    email = StoredSpellingEmailField(
        label=auth_forms.PasswordResetForm.base_fields["email"].label,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def save(self, request=None, **kwargs):
        # The request counts and queues, the same work whether or not the
        # address has an account, so its time tells nothing either.
        email = self.cleaned_data["email"]
        if within_mail_limits(request, email, "password_reset"):
            mail_password_reset.enqueue(email)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view, with the form above: its mail links to SITE_URL."""

    form_class = PasswordResetForm


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """
    Django's view, with the new password saved under a lock on the account.

    The link was checked when the page opened; by the time the form comes back,
    another request may have changed the account (its address, say). The
    account is read again under a row lock and the link checked once more, and
    only the password is written, so neither change is lost. A new password
    also lifts a lockout for failed log-ins.
    """

    def form_valid(self, form):
        # Hashing takes most of a second: done before the transaction, so the
        # write lock (all of SQLite's database) is held for milliseconds.
        form.user.set_password(form.cleaned_data["new_password1"])
        with transaction.atomic():
            user = (
                type(form.user)
                ._default_manager.select_for_update()
                .get(pk=form.user.pk)
            )
            token = self.request.session.get(INTERNAL_RESET_SESSION_TOKEN)
            if not self.token_generator.check_token(user, token):
                self.validlink = False
                return self.render_to_response(self.get_context_data())
            user.password = form.user.password
            user.save(update_fields=["password", *self.on_new_password(user)])
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        reset(username=user.get_username())
        if self.post_reset_login:
            auth_login(self.request, user, self.post_reset_login_backend)
        return HttpResponseRedirect(self.get_success_url())

    def on_new_password(self, user):
        """Change the locked account further; return the names of the fields changed."""
        return []
