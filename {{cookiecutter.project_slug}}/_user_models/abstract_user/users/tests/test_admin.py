import pytest
from django.urls import reverse

from users.models import User

pytestmark = pytest.mark.django_db


def test_changelist_lists_and_searches_users(admin_client):
    """The user list shows each user and finds one by phone number."""
    User.objects.create_user("frank", phone_number="+33 1 23 45 67 89")
    url = reverse("admin:users_user_changelist")
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "frank" in response.content.decode()
    response = admin_client.get(url, {"q": "+33 1 23"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_add_page_shows_the_extra_fields(admin_client):
    """The add page asks for the extra fields and keeps the unusable-password option."""
    response = admin_client.get(reverse("admin:users_user_add"))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="date_of_birth"' in content
    assert 'name="phone_number"' in content
    assert 'name="usable_password"' in content


def test_add_creates_a_user_who_can_log_in(admin_client, client, password):
    """A user added in the admin keeps the extra fields and logs in."""
    response = admin_client.post(
        reverse("admin:users_user_add"),
        {
            "username": "grace",
            "usable_password": "true",
            "password1": password,
            "password2": password,
            "email": "grace@example.com",
            "date_of_birth": "1985-12-09",
            "phone_number": "+49 30 123456",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="grace")
    assert user.phone_number == "+49 30 123456"
    assert user.has_usable_password()
    assert client.login(username="grace", password=password)


def test_change_page_edits_the_extra_fields(admin_client, user, password):
    """The change page edits the extra fields, never showing or changing the hash."""
    url = reverse("admin:users_user_change", args=[user.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="phone_number"' in content
    assert user.password not in content
    response = admin_client.post(
        url,
        {
            "username": user.username,
            "date_of_birth": "2000-01-01",
            "phone_number": "+81 3 1234 5678",
            "is_active": "on",
            "date_joined_0": "2024-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.phone_number == "+81 3 1234 5678"
    assert user.check_password(password)


def test_change_page_refuses_a_rename_to_a_look_alike(admin_client, user):
    """Renaming a user so as to read as another account is refused on its page."""
    User.objects.create_user("pope")
    cyrillic_pope = (
        "\N{CYRILLIC SMALL LETTER ER}\N{CYRILLIC SMALL LETTER O}"
        "\N{CYRILLIC SMALL LETTER ER}\N{CYRILLIC SMALL LETTER IE}"
    )
    response = admin_client.post(
        reverse("admin:users_user_change", args=[user.pk]),
        {
            "username": cyrillic_pope,
            "is_active": "on",
            "date_joined_0": "2024-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["username"] == [
        "This name looks like an existing one; choose another."
    ]
    user.refresh_from_db()
    assert user.username == "member"


def test_change_page_uses_djangos_translations(admin_client, settings):
    """In a French project the sections are in French, as Django's are."""
    settings.LANGUAGE_CODE = "fr"
    user = User.objects.create_user("ivan")
    response = admin_client.get(reverse("admin:users_user_change", args=[user.pk]))
    content = response.content.decode()
    for french in ("Informations personnelles", "Permissions", "Dates importantes"):
        assert french in content
