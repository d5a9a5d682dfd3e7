from django.contrib.auth.tokens import PasswordResetTokenGenerator


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """
    Tokens for the link that proves a new account's address, once.

    Like a password-reset link it expires after PASSWORD_RESET_TIMEOUT; the
    account's active flag is part of the hash, so activating it spends the link.
    """

    key_salt = "users.tokens.ActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


activation_token = ActivationTokenGenerator()
