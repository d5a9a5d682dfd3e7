"""Django settings: the defaults suit a server; the git-ignored .env sets a laptop's."""

from datetime import timedelta
from pathlib import Path

import django

from config import environment
from config.environment import Env

BASE_DIR = Path(__file__).resolve().parent.parent

env = Env()
env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Mailed links start with this address, never with the Host header a client writes.
SITE_URL = env.str(
    "SITE_URL", default="http://127.0.0.1:8000" if DEBUG else Env.NOTSET
).rstrip("/")
# Behind a proxy that terminates HTTPS and says so in X-Forwarded-Proto.
BEHIND_PROXY = env.bool("SECURE_PROXY_SSL_HEADER", default=False)
# Proxies in front that append to X-Forwarded-For (users.throttling reads it).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if BEHIND_PROXY else 0)

SITE_NAME = "{{ cookiecutter.__site_name }}"
SIGNUP_OPEN = env.bool("SIGNUP_OPEN", default=True)

INSTALLED_APPS = [
    # django.contrib.admin, asking staff for a second factor (users/admin_site.py).
    "website.apps.SecondFactorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    # Two-factor sign-in: an authenticator app's codes, and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The queue of mail to send, in the database; python manage.py db_worker
    # sends it.
    "django_tasks_db",
    "users",
    "website",
]
if django.VERSION < (6, 0):
    # Django 6.0's tasks framework, as a package for Django 5.2.
    INSTALLED_APPS.append("django_tasks")

MIDDLEWARE = [
    # GET /healthz for load balancers and probes, before host validation and the
    # HTTPS redirect; it answers for any host, over plain HTTP.
    "website.health.health_check",
    "django.middleware.security.SecurityMiddleware",
    # Serves collectstatic's output with long cache headers, so any WSGI or ASGI
    # server gives a styled site without a web server in front for static files.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "website.middleware.head_without_body",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Tells whether the session was verified with a second factor, and keeps
    # one that owes its code on the code page.
    "django_otp.middleware.OTPMiddleware",
    "users.second_factor.code_owed_middleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Refuses log-ins while an account and address are locked out; last, as
    # django-axes requires.
    "axes.middleware.AxesMiddleware",
]
if django.VERSION >= (6, 0):
    # Django 6.0 sends Content-Security-Policy itself (SECURE_CSP below).
    MIDDLEWARE.append("django.middleware.csp.ContentSecurityPolicyMiddleware")

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
                "website.context_processors.site",
            ],
        },
    },
]

# An absolute path, so manage.py opens the same file from any folder.
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{(BASE_DIR / 'db.sqlite3').as_posix()}"
    ),
}
# Reused connections are checked first, in case the server closed them.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Readers never wait (WAL); a writer locks at its start and waits 20 s for its
    # turn, instead of failing with "database is locked" halfway (IMMEDIATE).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# Django 5.2 and 6.1 default to different types; one keeps migrations the same.
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A table every worker and server shares (limits are counted there), which migrate
# creates; CACHE_URL=redis://HOST:6379/0 serves heavier use.
CACHES = {"default": env.cache_url("CACHE_URL", default="dbcache://django_cache")}

AUTH_USER_MODEL = "{{ cookiecutter.__auth_user_model }}"
AUTHENTICATION_BACKENDS = [
    # Counts failed sign-ins and refuses locked-out ones, before any password check.
    "users.throttling.ThrottlingBackend",
    "{{ cookiecutter.__authentication_backend }}",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "login"
LOGOUT_REDIRECT_URL = "home"
# Staff need a second factor for the admin; members choose.
ADMIN_REQUIRES_SECOND_FACTOR = env.bool("ADMIN_REQUIRES_SECOND_FACTOR", default=True)
# The name authenticator apps show beside the codes of this site.
OTP_TOTP_ISSUER = SITE_NAME

LANGUAGE_CODE = "en-us"
TIME_ZONE = "{{ cookiecutter.time_zone }}"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed copies under hashed names, which browsers may keep for a year.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# One event per line on stderr, where servers and containers collect output.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "not_a_probe": {"()": "website.health.NotAProbe"},
    },
    "formatters": {
        "events": {
            # Tracebacks keep their lines on a developer's screen.
            "()": "logging.Formatter" if DEBUG else "website.logs.OneLineFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s: %(message)s",
        },
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "events"},
        "mail_admins": {
            # Five mails a quarter of an hour per process: an incident's first
            # errors arrive, a page failing on every request cannot flood the inbox.
            "class": "website.logs.ThrottledAdminEmailHandler",
            "limit": 5,
            "period": 15 * 60,
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        "django": {
            "handlers": ["stderr", "mail_admins"],
            "level": LOG_LEVEL,
            "propagate": False,
        },
        "django.request": {"filters": ["not_a_probe"]},
        # Anyone can send thousands of bad requests (a 400 each): logged, not mailed.
        "django.security": {"handlers": ["stderr"], "propagate": False},
        # django-axes logs four INFO lines per log-in; its warnings are what matter.
        "axes": {"level": "WARNING" if LOG_LEVEL == "INFO" else LOG_LEVEL},
    },
}
ADMIN_EMAILS = env.list("ADMINS", default=[])
# Django 6.0 takes plain addresses; 5.2 wants (name, address) pairs.
ADMINS = ADMIN_EMAILS if django.VERSION >= (6, 0) else [(a, a) for a in ADMIN_EMAILS]

# Printed while DEBUG is on; a server names its mail service in EMAIL_URL.
EMAIL = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"
)
if EMAIL["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend":
    # Django's own prints links broken over lines from Django 6.0 on.
    EMAIL["EMAIL_BACKEND"] = "website.mail.ConsoleEmailBackend"
# Django would wait for a silent SMTP server forever.
EMAIL["EMAIL_TIMEOUT"] = 30
if django.VERSION >= (6, 1):
    # Django 6.1 replaced EMAIL_BACKEND and the EMAIL_* settings with MAILERS.
    MAILERS = {"default": environment.mailer(EMAIL)}
else:
    vars().update(EMAIL)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Mail waits in the database for python manage.py db_worker, so a slow mail server
# never holds a request; while DEBUG is on it is sent at once.
TASKS_PACKAGE = "django.tasks" if django.VERSION >= (6, 0) else "django_tasks"
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if DEBUG:
    TASKS["default"]["BACKEND"] = f"{TASKS_PACKAGE}.backends.immediate.ImmediateBackend"
# Mails a visitor may cause in an hour, to one address and from one client.
MAIL_LIMIT_PER_ADDRESS = env.int("MAIL_LIMIT_PER_ADDRESS", default=5, minimum=1)
MAIL_LIMIT_PER_CLIENT = env.int("MAIL_LIMIT_PER_CLIENT", default=20, minimum=1)

# HTTPS everywhere once DEBUG is off; each switch can be turned off on its own.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Browsers remember HSTS: raise it to a year once every subdomain serves HTTPS.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG
)
ONE_YEAR = 365 * 24 * 60 * 60
SECURE_HSTS_PRELOAD = env.bool(
    "SECURE_HSTS_PRELOAD", default=SECURE_HSTS_SECONDS >= ONE_YEAR
)
if not SECURE_HSTS_PRELOAD:
    # Preloading is a commitment for later, not a default.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Scripts, styles, images and fonts from the site only; no framing. Django 5.2 has
# no built-in support. With DEBUG on it only reports: debug pages use inline styles.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
if DEBUG:
    SECURE_CSP_REPORT_ONLY = CONTENT_SECURITY_POLICY
else:
    SECURE_CSP = CONTENT_SECURITY_POLICY

# The fifth failure in a row for one account from one address locks both out for
# fifteen minutes, which each attempt restarts; a password reset lifts it.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "users.throttling.login_name"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# No startup banner in every process, nor user agent in each failure's log line.
AXES_VERBOSE = False
# The address the trusted proxies saw, never one the client wrote.
AXES_CLIENT_IP_CALLABLE = "users.throttling.client_address"
# Whatever the names, the twentieth failure from one address pauses it too.
AXES_HANDLER = "users.throttling.ThrottlingHandler"
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env.int(
    "LOGIN_FAILURE_LIMIT_PER_ADDRESS", default=20, minimum=1
)

environment.check_server(SECRET_KEY, ALLOWED_HOSTS, debug=DEBUG)
environment.check_addresses(
    ALLOWED_HOSTS, SITE_URL, CSRF_TRUSTED_ORIGINS, ADMIN_EMAILS, DEFAULT_FROM_EMAIL
)
environment.check_choice("LOG_LEVEL", LOG_LEVEL, ("DEBUG", "INFO", "WARNING", "ERROR"))
environment.check_hsts(SECURE_HSTS_SECONDS, SECURE_HSTS_PRELOAD, ONE_YEAR)
