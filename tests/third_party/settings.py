"""
The generated settings with django-allauth and Django REST framework added, as
their installation guides say. USER_MODEL names the template's choice.
"""

import os

from config.settings import *  # noqa: F403
from config.settings import AUTHENTICATION_BACKENDS, INSTALLED_APPS, MIDDLEWARE

INSTALLED_APPS = [
    *INSTALLED_APPS,
    "allauth",
    "allauth.account",
    "rest_framework",
    "rest_framework.authtoken",
]
MIDDLEWARE = [*MIDDLEWARE, "allauth.account.middleware.AccountMiddleware"]
AUTHENTICATION_BACKENDS = [
    *AUTHENTICATION_BACKENDS,
    "allauth.account.auth_backends.AuthenticationBackend",
]
ROOT_URLCONF = "third_party.urls"

if os.environ["USER_MODEL"] == "abstract_base_user":
    # The user has no username: people sign up and log in with their address,
    # stored in the manager's spelling (the generated README's recipe).
    ACCOUNT_USER_MODEL_USERNAME_FIELD = None
    ACCOUNT_LOGIN_METHODS = {"email"}
    ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
    ACCOUNT_ADAPTER = "third_party.adapters.AccountAdapter"
elif os.environ["USER_MODEL"] == "profile":
    # One backend for both, as the generated README shows, so that users allauth
    # logs in are loaded with their profile too.
    AUTHENTICATION_BACKENDS = [
        "users.throttling.ThrottlingBackend",
        "third_party.backends.ProfileAllauthBackend",
    ]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
