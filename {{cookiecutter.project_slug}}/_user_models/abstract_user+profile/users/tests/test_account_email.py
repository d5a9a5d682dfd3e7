import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.urls import reverse

from users.forms import AccountForm

pytestmark = pytest.mark.django_db

User = get_user_model()


def change_address(client, data, typed):
    return client.post(
        reverse("account"),
        {**data, "email": "new.address@example.com", "current_password": typed},
    )


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", "Your current password is needed for this change."),
        ("not my password", "That is not your current password."),
    ],
    ids=["none", "wrong"],
)
def test_a_new_address_needs_the_current_password(
    client, user, account_data, typed, error
):
    """A stolen session alone cannot send the account's mail, and resets, elsewhere."""
    client.force_login(user)
    response = change_address(client, account_data, typed)
    assert response.status_code == 200
    assert error in response.content.decode()
    user.refresh_from_db()
    assert user.email == "member@example.com"
    assert mail.outbox == []


def test_the_old_address_is_told_of_the_new_one(client, user, account_data, password):
    """The notice names the new address and carries no link to follow."""
    client.force_login(user)
    response = change_address(client, account_data, password)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "new.address@example.com"
    (notice,) = mail.outbox
    assert notice.to == ["member@example.com"]
    assert "new.address@example.com" in notice.body
    assert "://" not in notice.body


def test_saving_the_account_page_keeps_a_password_set_meanwhile(
    client, user, account_data, monkeypatch
):
    """A password reset finishing while the page is saved is not undone by it."""
    client.force_login(user)
    clean = AccountForm.clean

    def clean_while_a_reset_finishes(form):
        User.objects.filter(pk=user.pk).update(password=make_password("reset"))
        return clean(form)

    monkeypatch.setattr(AccountForm, "clean", clean_while_a_reset_finishes)
    response = client.post(reverse("account"), {**account_data, "first_name": "Ada"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.first_name == "Ada"
    assert user.check_password("reset")
