from django.conf import settings


def pytest_configure(config):
    # Hashing with the production hasher costs a quarter of a second per password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
