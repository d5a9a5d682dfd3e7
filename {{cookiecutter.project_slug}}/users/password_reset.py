from axes.utils import reset
from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views


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
    """Django's form, which finds an account by any spelling of its address."""

    email = StoredSpellingEmailField(
        label=auth_forms.PasswordResetForm.base_fields["email"].label,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view, whose mail names the site, not the host the request came in on."""

    form_class = PasswordResetForm
    extra_email_context = {"site_name": settings.SITE_NAME}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view; a new password also lifts a lockout for failed log-ins."""

    def form_valid(self, form):
        response = super().form_valid(form)
        reset(username=form.user.get_username())
        return response
