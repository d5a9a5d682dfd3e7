"""
Django settings for this project.

Every value that differs between a laptop and a server comes from the environment
(or from the git-ignored .env file beside manage.py); the defaults are the safe,
production ones, and the local .env turns on DEBUG.
"""

import os
from pathlib import Path

import django
import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env")


def read_secret(name):
    """Return an environment variable exactly as written."""
    # django-environ would read a value starting with "$" as the name of another
    # variable, and Django's own key generator uses "$".
    try:
        return os.environ[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"{name} is not set. For local development, create .env from "
            ".env.example as README.md shows; on a server, set it in the environment."
        ) from None


def read_bool(name, default):
    """Return a true/false environment variable, refusing any other value."""
    # django-environ reads every unknown value as False, so "DEBUG=True  # local"
    # (.env keeps everything after "=") would silently switch DEBUG off.
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in {"true", "yes", "on", "1"}:
        return True
    if word in {"false", "no", "off", "0"}:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is neither true nor false. Write True or False, "
        "and put any comment on a line of its own."
    )


SECRET_KEY = read_secret("SECRET_KEY")
DEBUG = read_bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "users",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# An absolute path, so manage.py opens the same file from any working directory.
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{(BASE_DIR / 'db.sqlite3').as_posix()}"
    ),
}
# Django 5.2 and 6.x default to different key types; naming one keeps the
# migrations identical on both.
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The user model is settled before the first migrate: changing it afterwards
# means rewriting the schema by hand.
AUTH_USER_MODEL = "{{ cookiecutter.__auth_user_model }}"
AUTHENTICATION_BACKENDS = ["{{ cookiecutter.__authentication_backend }}"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "{{ cookiecutter.time_zone }}"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# Mail is printed to the console while DEBUG is on; elsewhere EMAIL_URL names the
# SMTP server, for instance smtp+tls://user:password@smtp.example.com:587.
EMAIL = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if django.VERSION >= (6, 1):
    # Django 6.1 replaced EMAIL_BACKEND and the EMAIL_* settings with MAILERS.
    MAILERS = {"default": {"BACKEND": EMAIL["EMAIL_BACKEND"]}}
    if EMAIL["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
        MAILERS["default"]["OPTIONS"] = {
            "host": EMAIL["EMAIL_HOST"],
            "port": EMAIL["EMAIL_PORT"],
            "username": EMAIL["EMAIL_HOST_USER"],
            "password": EMAIL["EMAIL_HOST_PASSWORD"],
            "use_tls": EMAIL.get("EMAIL_USE_TLS", False),
            "use_ssl": EMAIL.get("EMAIL_USE_SSL", False),
        }
else:
    EMAIL_BACKEND = EMAIL["EMAIL_BACKEND"]
    EMAIL_HOST = EMAIL["EMAIL_HOST"] or "localhost"
    EMAIL_PORT = EMAIL["EMAIL_PORT"] or 25
    EMAIL_HOST_USER = EMAIL["EMAIL_HOST_USER"]
    EMAIL_HOST_PASSWORD = EMAIL["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS = EMAIL.get("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = EMAIL.get("EMAIL_USE_SSL", False)

# HTTPS everywhere once DEBUG is off; each switch can be turned off on its own,
# for instance SECURE_SSL_REDIRECT=False behind a proxy that already redirects.
SECURE_SSL_REDIRECT = read_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# An hour to start with: browsers remember HSTS, so raise it (to a year, 31536000)
# only once every subdomain is known to serve HTTPS.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = read_bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG
)
SECURE_HSTS_PRELOAD = read_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = read_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = read_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
if read_bool("SECURE_PROXY_SSL_HEADER", default=False):
    # Trust X-Forwarded-Proto only behind a proxy that always sets it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
