from contextlib import contextmanager

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, router, transaction
from django.utils.translation import gettext_lazy as _

from users.account_form import AccountFormMixin
from users.emails import canonical_email
from users.models import User


class CanonicalEmailField(forms.EmailField):
    """
    An email field whose value is the address's one spelling, so that it is
    checked, and its length counted, as it will be stored.
    """

    def to_python(self, value):
        return canonical_email(super().to_python(value))


class EmailTakenMeanwhile(ValidationError):
    """Saving found the address stored by another request since validation."""


@contextmanager
def email_taken_as_field_error(form):
    """
    Save inside the block, or, if another request has stored the form's address
    since the form was validated, add the usual field error to the form and
    raise EmailTakenMeanwhile.
    """
    try:
        with transaction.atomic(using=router.db_for_write(User)):
            yield
    except IntegrityError:
        user = form.instance
        if not User.objects.with_email(user.email).exclude(pk=user.pk).exists():
            raise
        error = user.unique_error_message(User, ["email"])
        form.add_error("email", error)
        raise EmailTakenMeanwhile(error) from None


class UniqueEmailMixin:
    """
    Form mixin that stores the address in its one spelling and refuses an
    address another user has in any spelling.
    """

    def clean_email(self):
        # The field gives the one spelling already, unless a subclass's own Meta
        # dropped it from field_classes.
        email = canonical_email(self.cleaned_data["email"])
        # Left to the model, Django 5.2 reports a duplicate twice: once from the
        # case-insensitive constraint and once from unique=True. A field error
        # here makes the model skip both, so the form shows it once, on "email".
        try:
            owner = User.objects.get_by_natural_key(email)
        except User.DoesNotExist:
            return email
        if owner.pk != self.instance.pk:
            raise self.instance.unique_error_message(User, ["email"])
        return email

    def save(self, commit=True):
        """
        Save the user, or raise EmailTakenMeanwhile, a ValidationError, with the
        error on "email", if another request took the address after this form
        was validated; a view then shows the form again.
        """
        if not commit:
            return super().save(commit=False)
        with email_taken_as_field_error(self):
            return super().save(commit=True)


class UserCreationForm(UniqueEmailMixin, auth_forms.UserCreationForm):
    """A sign-up form: email, password twice, and the extra fields."""

    class Meta:
        model = User
        fields = ("email", "date_of_birth", "phone_number")
        field_classes = {"email": CanonicalEmailField}


class AdminUserCreationForm(UniqueEmailMixin, auth_forms.AdminUserCreationForm):
    """The admin's add form, which can also leave the password unusable."""

    class Meta(UserCreationForm.Meta):
        pass


class UserChangeForm(UniqueEmailMixin, auth_forms.UserChangeForm):
    """The admin's change form; the password hash is never editable or shown."""

    class Meta:
        model = User
        fields = "__all__"
        field_classes = {"email": CanonicalEmailField}


class SignUpForm(UserCreationForm):
    """
    The public sign-up form, which keeps to itself whether an address is taken.

    Telling the visitor would let anyone find out who has an account here; the
    view mails the address's owner instead.
    """

    class Meta(UserCreationForm.Meta):
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}

    def clean_email(self):
        try:
            return super().clean_email()
        except ValidationError as error:
            if error.code == "unique":
                # The password is checked against the new user, which would
                # otherwise lack a taken address: "too similar to the email
                # address" must come for a taken address as for a new one.
                self.instance.email = self.cleaned_data["email"]
            raise

    def address_taken(self):
        """Validate, and say whether the address has an account, hiding that error."""
        errors = self.errors.get("email")
        if errors is None or not self.has_error("email", "unique"):
            return False
        remaining = [error for error in errors.as_data() if error.code != "unique"]
        if remaining:
            self.errors["email"] = self.error_class(remaining)
        else:
            del self.errors["email"]
        return True


class LoginForm(auth_forms.AuthenticationForm):
    """
    Django's log-in form, with a refusal that fits an email login: Django's says
    both fields may be case-sensitive, which an address here is not, and an
    account waiting for its confirmation is refused like a wrong password.
    """

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter a correct email address and password. If you have just "
            "signed up, follow the link we mailed you first."
        ),
    }


class AccountForm(AccountFormMixin, forms.ModelForm):
    """
    What signed-in people may change about themselves on "Your account".

    A new email address is not saved here: it needs the current password, and
    becomes the account's address only once its owner follows the link mailed
    to it.
    """

    email = User._meta.get_field("email").formfield(form_class=CanonicalEmailField)

    class Meta:
        model = User
        fields = ("date_of_birth", "phone_number")
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].initial = self.instance.email
        self.order_fields(["email"])

    def new_email(self):
        """The address asked for, when it differs from the account's own."""
        email = self.cleaned_data["email"]
        return email if email != self.instance.email else None


class ActivationForm(forms.Form):
    """The password chosen at sign-up, which proves whoever opens the account chose it."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        # hashers.check_password() leaves the stored hash alone, which the
        # activation link is bound to.
        if not check_password(password, self.user.password):
            raise forms.ValidationError(
                _("This is not the password this address was signed up with."),
                code="password_incorrect",
            )
        return password
