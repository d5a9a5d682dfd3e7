from django.contrib.auth.tokens import PasswordResetTokenGenerator


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """
    Tokens for the link that opens a signed-up account, once.

    Like a password-reset link it expires after PASSWORD_RESET_TIMEOUT and dies
    with the password, so a second sign-up of the address kills it; opening the
    account, or an administrator's closing it, ends the wait it was made for.
    """

    key_salt = "users.tokens.ActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        state = super()._make_hash_value(user, timestamp)
        return f"{state}{user.is_active}{user.awaiting_confirmation}"


class EmailChangeTokenGenerator(PasswordResetTokenGenerator):
    """
    Tokens for the link that makes the address asked for the account's own.

    It dies with the password, the current address and the address asked for,
    so a password change, a later request or the change itself spends it. The
    last log-in is left out: confirming needs one, perhaps on another device.
    """

    key_salt = "users.tokens.EmailChangeTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.email}{user.pending_email}{timestamp}"


activation_token = ActivationTokenGenerator()
email_change_token = EmailChangeTokenGenerator()
