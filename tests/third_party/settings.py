"""
The generated settings with the apps a team usually adds next, installed as their
guides say, and each choice's recipe from the generated README applied to them.
USER_MODEL names the template's choice.
"""

import os

from config.settings import *  # noqa: F403
from config.settings import (
    AUTHENTICATION_BACKENDS,
    BASE_DIR,
    DATABASES,
    INSTALLED_APPS,
    MIDDLEWARE,
)

INSTALLED_APPS = [
    *INSTALLED_APPS,
    "allauth",
    "allauth.account",
    # dj-rest-auth's registration imports allauth's social accounts.
    "allauth.socialaccount",
    "rest_framework",
    "rest_framework.authtoken",
    "dj_rest_auth",
    "dj_rest_auth.registration",
    "impersonate",
    "guardian",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
]
MIDDLEWARE = [
    *MIDDLEWARE,
    "allauth.account.middleware.AccountMiddleware",
    "impersonate.middleware.ImpersonateMiddleware",
]
AUTHENTICATION_BACKENDS = [
    *AUTHENTICATION_BACKENDS,
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ROOT_URLCONF = "third_party.urls"
WAGTAIL_SITE_NAME = "Test site"
WAGTAILADMIN_BASE_URL = "http://testserver"

if os.environ["USER_MODEL"] == "abstract_base_user":
    # The generated README's recipes for a user without a username, as printed
    # there, with users. replaced by third_party. in the dotted paths.
    ACCOUNT_USER_MODEL_USERNAME_FIELD = None
    ACCOUNT_LOGIN_METHODS = {"email"}
    ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
    ACCOUNT_ADAPTER = "third_party.adapters.AccountAdapter"

    REST_AUTH = {"REGISTER_SERIALIZER": "third_party.serializers.RegisterSerializer"}

    IMPERSONATE = {"SEARCH_FIELDS": ["email"]}

    INSTALLED_APPS[INSTALLED_APPS.index("wagtail.users")] = (
        "third_party.wagtail_apps.WagtailUsersConfig"
    )

    ANONYMOUS_USER_NAME = "anonymous@example.invalid"
elif os.environ["USER_MODEL"] == "profile":
    # One backend for both, as the generated README shows, so that users allauth
    # logs in are loaded with their profile too.
    AUTHENTICATION_BACKENDS = [
        "users.throttling.ThrottlingBackend",
        "third_party.backends.ProfileAllauthBackend",
        "guardian.backends.ObjectPermissionBackend",
    ]

# The apps test runs pytest twice on one test database kept in a file (pytest
# --reuse-db): the second run skips the apps' hundreds of migrations, and its
# migrate still sends post_migrate, which adds guardian's anonymous user.
DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test_database.sqlite3")}

if os.environ.get("WITHOUT_ANONYMOUS_USER"):
    # guardian's migrate adds its anonymous user to every database, the test
    # database too; the project's own tests count users, and are run without it.
    ANONYMOUS_USER_NAME = None

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
