from allauth.account.adapter import DefaultAccountAdapter

from users.models import User


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email):
        return User.objects.normalize_email(super().clean_email(email))
