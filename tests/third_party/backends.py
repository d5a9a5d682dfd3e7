from allauth.account.auth_backends import AuthenticationBackend

from users.backends import ProfileBackend


class ProfileAllauthBackend(ProfileBackend, AuthenticationBackend):
    """allauth's login methods, with each request's user loaded with its profile."""
