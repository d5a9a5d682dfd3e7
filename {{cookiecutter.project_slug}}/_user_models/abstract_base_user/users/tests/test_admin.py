import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from users.models import User

EMAIL_TAKEN = "A user with that email address already exists."

pytestmark = pytest.mark.django_db


def test_admin_checks_pass():
    """No admin option names a field this user does not have, such as username."""
    assert admin.site.check(None) == []


def test_changelist_lists_and_searches_users(admin_client):
    """The user list shows each user and finds one by email, in any case, or phone."""
    User.objects.create_user("victor@example.com", phone_number="+33 1 23 45 67 89")
    url = reverse("admin:users_user_changelist")
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "victor@example.com" in response.content.decode()
    response = admin_client.get(url, {"q": "VICTOR"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    response = admin_client.get(url, {"q": "+33 1 23"})
    assert response.context["cl"].result_count == 1


def test_add_page_asks_for_email_and_keeps_the_unusable_password_option(admin_client):
    """The add page asks for the email, not a username, and the extra fields."""
    response = admin_client.get(reverse("admin:users_user_add"))
    assert response.status_code == 200
    content = response.content.decode()
    for name in ("email", "usable_password", "password1", "password2"):
        assert f'name="{name}"' in content
    assert 'name="date_of_birth"' in content
    assert 'name="username"' not in content


def test_add_creates_a_user_who_can_log_in(admin_client, client, password):
    """A user added in the admin is stored in the one spelling and logs in."""
    response = admin_client.post(
        reverse("admin:users_user_add"),
        {
            "email": "Wendy@Example.com",
            "usable_password": "true",
            "password1": password,
            "password2": password,
            "date_of_birth": "1985-12-09",
            "phone_number": "+49 30 123456",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="wendy@example.com")
    assert user.phone_number == "+49 30 123456"
    assert client.login(username="WENDY@example.com", password=password)


def test_add_can_create_a_user_without_a_usable_password(admin_client):
    """A user added with password-based authentication disabled has no usable password."""
    response = admin_client.post(
        reverse("admin:users_user_add"),
        {"email": "xena@example.com", "usable_password": "false"},
    )
    assert response.status_code == 302
    assert not User.objects.get(email="xena@example.com").has_usable_password()


def test_add_refuses_an_email_differing_only_in_case(admin_client):
    """The admin shows the duplicate as a form error, not a server error."""
    User.objects.create_user("yara@example.com")
    response = admin_client.post(
        reverse("admin:users_user_add"),
        {"email": "YARA@example.com", "usable_password": "false"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"email": [EMAIL_TAKEN]}
    assert User.objects.count() == 2


def test_change_page_edits_the_user_and_hides_the_hash(
    admin_client, user, password, change_data
):
    """The change page edits the extra fields, never showing or changing the hash."""
    url = reverse("admin:users_user_change", args=[user.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert user.password not in response.content.decode()
    response = admin_client.post(url, change_data(user))
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.phone_number == "+81 3 1234 5678"
    assert user.check_password(password)


def test_an_account_opened_in_the_admin_stops_waiting(admin_client, user, change_data):
    """Opened by hand, a signed-up account is no longer one a mailed link opens."""
    User.objects.filter(pk=user.pk).update(is_active=False, awaiting_confirmation=True)
    url = reverse("admin:users_user_change", args=[user.pk])
    response = admin_client.post(url, change_data(user, awaiting_confirmation=""))
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.is_active, user.awaiting_confirmation) == (True, False)


def test_change_page_refuses_another_users_email_in_another_case(
    admin_client, user, change_data
):
    """Changing an email to another user's, in another case, is a form error."""
    User.objects.create_user("abel@example.com")
    url = reverse("admin:users_user_change", args=[user.pk])
    response = admin_client.post(url, change_data(user, email="Abel@Example.com"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"email": [EMAIL_TAKEN]}


def test_view_only_staff_does_not_see_the_hash(verified_login, user):
    """Staff allowed only to view users see the change page without the hash."""
    staff = User.objects.create_user("dan@example.com", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_user"))
    client = verified_login(staff)
    response = client.get(reverse("admin:users_user_change", args=[user.pk]))
    assert response.status_code == 200
    assert user.password not in response.content.decode()


def test_password_change_page_opens(admin_client, user):
    """The admin's set-password page works for this user model."""
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    assert admin_client.get(url).status_code == 200


def test_change_page_uses_djangos_translations(admin_client, settings, user):
    """In a French project the sections and labels are in French, as Django's are."""
    settings.LANGUAGE_CODE = "fr"
    response = admin_client.get(reverse("admin:users_user_change", args=[user.pk]))
    content = response.content.decode()
    for french in (
        "Informations personnelles",
        "Permissions",
        "Dates importantes",
        "Adresse électronique",
        "Statut équipe",
        "Actif",
        "Modification de utilisateur",
    ):
        assert french in content
