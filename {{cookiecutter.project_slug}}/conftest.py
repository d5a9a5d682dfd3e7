from django.conf import settings


def pytest_configure(config):
    # Hashing with the production hasher costs a quarter of a second per password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Static files come from the apps' folders, as under runserver, so the tests
    # need no collectstatic; production's hashed names are checked by deploying.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
