from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _


class AccountFormMixin:
    """
    Mixin for the model form of "Your account": it asks for the current
    password before any field named in password_protects changes, and saves
    only its own fields.

    The email address is where a password reset goes: whoever could change it
    with a signed-in session alone, a borrowed laptop or a stolen cookie, could
    then reset the password and keep the account. The password is checked
    through authenticate(), so failures count towards the log-in lockout.
    """

    password_protects = ("email",)

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields["current_password"] = forms.CharField(
            label=_("Current password"),
            strip=False,
            required=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
            help_text=_("Needed only to change your email address."),
        )

    def clean(self):
        cleaned_data = super().clean()
        if not self.protected_change():
            return cleaned_data
        if not cleaned_data.get("current_password"):
            self.add_error(
                "current_password",
                forms.ValidationError(
                    _("Your current password is needed for this change."),
                    code="required",
                ),
            )
        elif not self.password_is_right():
            self.add_error(
                "current_password",
                forms.ValidationError(
                    _("That is not your current password."),
                    code="password_incorrect",
                ),
            )
        return cleaned_data

    def save(self, commit=True):
        user = super().save(commit=False)
        if commit:
            # Only these fields: a password reset finishing meanwhile keeps its
            # new password.
            user.save(update_fields=self._meta.fields)
        return user

    def protected_change(self):
        return any(name in self.changed_data for name in self.password_protects)

    def password_is_right(self):
        return is_current_password(
            self.request, self.instance, self.cleaned_data.get("current_password")
        )


def is_current_password(request, user, password):
    """Return whether password is user's, counting a failure towards the lockout."""
    # Through authenticate(), as a log-in: django-axes counts the failures of
    # whoever guesses here with a signed-in session, and refuses once locked.
    checked = authenticate(
        request, username=user.get_username(), password=password or ""
    )
    return checked is not None and checked.pk == user.pk


class PasswordCheckForm(forms.Form):
    """Ask again for the password of the signed-in account before a grave change."""

    error_messages = {
        "password_incorrect": _(
            "Your password was entered incorrectly. Please enter it again."
        ),
    }

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not is_current_password(self.request, self.request.user, password):
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return password
