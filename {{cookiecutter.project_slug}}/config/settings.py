"""
Django settings for this project.

Every value that differs between a laptop and a server comes from the environment
(or from the git-ignored .env file beside manage.py); the defaults are the safe,
production ones, and the local .env turns on DEBUG. The checks at the end stop
startup with one line on a value that would only fail later.
"""

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
# Links in mail (password reset, confirmations) start with this address, such as
# https://www.example.com; never with the request's Host header, which the
# client writes, so a reset asked with a forged one cannot mail a link elsewhere.
SITE_URL = env.str(
    "SITE_URL", default="http://127.0.0.1:8000" if DEBUG else Env.NOTSET
).rstrip("/")
# Behind a proxy that terminates HTTPS and says so in X-Forwarded-Proto.
BEHIND_PROXY = env.bool("SECURE_PROXY_SSL_HEADER", default=False)
# How many proxies in front of the site append the address they were reached
# from to X-Forwarded-For; users.throttling.client_address() reads it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if BEHIND_PROXY else 0)

SITE_NAME = "{{ cookiecutter.__site_name }}"
# Anyone may create an account unless SIGNUP_OPEN=False.
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

# An absolute path, so manage.py opens the same file from any working directory.
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{(BASE_DIR / 'db.sqlite3').as_posix()}"
    ),
}
# Reusing connections saves a connect per request; the health check replaces one
# the server closed in between.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite as a single machine's production database: readers never wait for
    # the writer (WAL), a transaction takes the write lock when it starts instead
    # of failing with "database is locked" when it first writes (IMMEDIATE), and a
    # writer waits its turn for up to 20 seconds.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# Django 5.2 and 6.x default to different key types; naming one keeps the
# migrations identical on both.
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# One cache for every gunicorn worker and every server on the same database:
# Django's default keeps one in each process, where a limit counted in it would
# count each worker alone. The table needs no other service, and migrate creates
# it; CACHE_URL=redis://host:6379/0 serves many servers or heavy use.
CACHES = {"default": env.cache_url("CACHE_URL", default="dbcache://django_cache")}

# The user model is settled before the first migrate: changing it afterwards
# means rewriting the schema by hand.
AUTH_USER_MODEL = "{{ cookiecutter.__auth_user_model }}"
AUTHENTICATION_BACKENDS = [
    # Counts failed sign-ins and refuses attempts during a lockout; it must come
    # before the backend that checks passwords.
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
# Staff reach the admin only with a second factor; members choose. Turning this
# off makes check --deploy warn.
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
    # collectstatic writes compressed copies under content-hashed names, which
    # WhiteNoise serves with a cache lifetime of a year.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# One event per line on stderr, where servers and containers collect output;
# LOG_LEVEL=DEBUG shows more, WARNING less. ADMINS also get the server's own
# errors by mail.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
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
            # Five mails in any quarter of an hour from each server process (each
            # gunicorn worker counts its own): the first errors of an incident
            # arrive (a bad deploy breaks a few pages at once) while someone looks,
            # but a page that fails on every request cannot fill the inbox or use
            # up the mail account's sending quota.
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
        # A client's bad request (another host name, too many fields or files, a
        # body over the limit, any other SuspiciousOperation) is refused with a
        # 400 and logged. Anyone can send thousands; mailing them would bury the
        # server's own errors, and Django's report on a request past the limits
        # raises the same error again.
        "django.security": {"handlers": ["stderr"], "propagate": False},
        # django-axes logs four INFO lines for every successful log-in; at the
        # default level only its warnings, a failure or a lockout, are kept.
        "axes": {"level": "WARNING" if LOG_LEVEL == "INFO" else LOG_LEVEL},
    },
}
ADMIN_EMAILS = env.list("ADMINS", default=[])
# Django 6.0 takes plain addresses; 5.2 wants (name, address) pairs.
ADMINS = ADMIN_EMAILS if django.VERSION >= (6, 0) else [(a, a) for a in ADMIN_EMAILS]

# Mail is printed to the console while DEBUG is on; elsewhere EMAIL_URL names the
# SMTP server, for instance smtp+tls://user:password@smtp.example.com:587, or a
# folder to write mail to, filemail:////absolute/folder.
EMAIL = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"
)
if EMAIL["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend":
    # Django's own prints links broken over lines from Django 6.0 on.
    EMAIL["EMAIL_BACKEND"] = "website.mail.ConsoleEmailBackend"
# Django waits for a silent SMTP server forever by default; the worker gives up
# after this many seconds and leaves the mail's task failed.
EMAIL["EMAIL_TIMEOUT"] = 30
if django.VERSION >= (6, 1):
    # Django 6.1 replaced EMAIL_BACKEND and the EMAIL_* settings with MAILERS.
    MAILERS = {"default": environment.mailer(EMAIL)}
else:
    vars().update(EMAIL)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Mail is queued in the database and sent by a worker, python manage.py
# db_worker, so a slow or silent mail server never holds a request; while DEBUG
# is on it is sent at once, and no worker is needed.
TASKS_PACKAGE = "django.tasks" if django.VERSION >= (6, 0) else "django_tasks"
TASKS = {
    "default": {
        "BACKEND": f"{TASKS_PACKAGE}.backends.immediate.ImmediateBackend"
        if DEBUG
        else "django_tasks_db.DatabaseBackend"
    }
}
# A visitor's request (sign-up, an address change, a password reset) mails one
# address at most MAIL_LIMIT_PER_ADDRESS times an hour, and one client at most
# MAIL_LIMIT_PER_CLIENT times, counted in the cache every server shares.
MAIL_LIMIT_PER_ADDRESS = env.int("MAIL_LIMIT_PER_ADDRESS", default=5, minimum=1)
MAIL_LIMIT_PER_CLIENT = env.int("MAIL_LIMIT_PER_CLIENT", default=20, minimum=1)

# HTTPS everywhere once DEBUG is off; each switch can be turned off on its own,
# for instance SECURE_SSL_REDIRECT=False behind a proxy that already redirects.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# An hour to start with: browsers remember HSTS, so raise it (to a year, 31536000)
# only once every subdomain is known to serve HTTPS.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG
)
# Browsers' preload lists only take a max-age of a year or more.
ONE_YEAR = 365 * 24 * 60 * 60
SECURE_HSTS_PRELOAD = env.bool(
    "SECURE_HSTS_PRELOAD", default=SECURE_HSTS_SECONDS >= ONE_YEAR
)
if not SECURE_HSTS_PRELOAD:
    # Preloading is a commitment taken once HSTS has run for a year, not a default.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
if BEHIND_PROXY:
    # Trust X-Forwarded-Proto only behind a proxy that always sets it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Pages may load scripts, styles, images and fonts from the site itself only, and
# no other site may frame them: the admin and the site's templates need nothing
# more. Django 6.0 sends it (the middleware above); 5.2 has no built-in support.
# While DEBUG is on the policy only reports, so Django's debug pages, which use
# inline styles, keep working.
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

# Log-in throttling (django-axes): the fifth failed attempt in a row for one
# account from one address locks them out for fifteen minutes, in which every
# attempt, the right password included, is refused and restarts the wait. A
# success clears the count; a password reset still works and lifts the lockout.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "users.throttling.login_name"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Failures and lockouts are still logged; this drops the banner every process
# would print at startup and the user agent in each failure's log line.
AXES_VERBOSE = False
# The address counted is the one the trusted proxies saw (TRUSTED_PROXY_COUNT),
# never an entry the client wrote into X-Forwarded-For.
AXES_CLIENT_IP_CALLABLE = "users.throttling.client_address"
# Whatever the names, the twentieth failure from one address within the
# cool-off pauses the address in the same way (password spraying).
AXES_HANDLER = "users.throttling.ThrottlingHandler"
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env.int(
    "LOGIN_FAILURE_LIMIT_PER_ADDRESS", default=20, minimum=1
)

environment.check_secret_key(SECRET_KEY, debug=DEBUG)
environment.check_allowed_hosts(ALLOWED_HOSTS, debug=DEBUG)
environment.check_site_addresses(SITE_URL, CSRF_TRUSTED_ORIGINS)
environment.check_mail_addresses(ADMIN_EMAILS, DEFAULT_FROM_EMAIL)
environment.check_choice("LOG_LEVEL", LOG_LEVEL, ("DEBUG", "INFO", "WARNING", "ERROR"))
environment.check_hsts(
    SECURE_HSTS_SECONDS, preload=SECURE_HSTS_PRELOAD, one_year=ONE_YEAR
)
