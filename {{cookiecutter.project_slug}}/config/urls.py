from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView, TemplateView

from users.leaving import DeleteAccountView
from users.password_reset import PasswordResetConfirmView, PasswordResetView
from users.second_factor import (
    NewRecoveryCodesView,
    SecondFactorView,
    SignInCodeView,
    TurnOffSecondFactorView,
)

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    # Browsers ask for /favicon.ico on pages that name no icon, the admin's
    # among them; without this, each visit would log a 404.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg"))),
    path("admin/", admin.site.urls),
    # The reset mail names the site, and finds an address in any spelling the
    # user model treats as the same.
    path(
        "accounts/password_reset/",
        PasswordResetView.as_view(),
        name="password_reset",
    ),
    # Whoever proves their address can log in again at once, even if failed
    # attempts had locked the account.
    path(
        "accounts/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    # Deleting one's own account, the same for every user model.
    path(
        "accounts/account/delete/",
        DeleteAccountView.as_view(),
        name="delete_account",
    ),
    # Two-factor sign-in: the code asked after the password, and setting it up.
    path("accounts/login/code/", SignInCodeView.as_view(), name="login_code"),
    path(
        "accounts/account/two-factor/",
        SecondFactorView.as_view(),
        name="second_factor",
    ),
    path(
        "accounts/account/two-factor/recovery-codes/",
        NewRecoveryCodesView.as_view(),
        name="new_recovery_codes",
    ),
    path(
        "accounts/account/two-factor/off/",
        TurnOffSecondFactorView.as_view(),
        name="turn_off_second_factor",
    ),
    # Sign-up and "Your account", which differ with the user model, first: where
    # the email address is the login, the login page's refusal says so.
    path("accounts/", include("users.urls")),
    # Log in, log out, password change and the rest of the password-reset flow.
    path("accounts/", include("django.contrib.auth.urls")),
]

handler400 = "website.errors.bad_request"
handler403 = "website.errors.permission_denied"
handler404 = "website.errors.page_not_found"
handler500 = "website.errors.server_error"
