from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model

from users.models import Profile

User = get_user_model()


class SignUpForm(auth_forms.UserCreationForm):
    """The user's part of sign-up; the email address is required to reset a password."""

    class Meta(auth_forms.UserCreationForm.Meta):
        fields = (*auth_forms.UserCreationForm.Meta.fields, "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True


class AccountForm(forms.ModelForm):
    """The user's own fields on "Your account"."""

    class Meta:
        model = User
        fields = ("first_name", "last_name", "email")


class ProfileForm(forms.ModelForm):
    """The profile's fields, asked for on sign-up and on "Your account"."""

    class Meta:
        model = Profile
        fields = ["date_of_birth", "phone_number"]
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}
