import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.functional import Promise

from users.admin import UserAdmin
from users.forms import ProfileForm
from users.models import Profile

User = get_user_model()

pytestmark = pytest.mark.django_db


def add_users(first, count):
    Profile.objects.bulk_create_with_users(
        Profile(user=User(username=f"user{number}"), phone_number=f"+1 555 {number}")
        for number in range(first, first + count)
    )


def get_changelist(admin_client, **params):
    response = admin_client.get(reverse("admin:auth_user_changelist"), params)
    assert response.status_code == 200
    return response


def test_changelist_shows_the_phone_number(admin_client):
    """The user list has a phone number column filled from the profile."""
    add_users(7, 1)
    content = get_changelist(admin_client).content.decode()
    assert "column-phone_number" in content
    assert "Phone number" in content
    assert '<td class="field-phone_number">+1 555 7</td>' in content


def test_changelist_costs_the_same_queries_for_5_users_as_for_50(admin_client):
    """The profiles are joined to the users, not read one query per row."""
    add_users(0, 5)
    with CaptureQueriesContext(connection) as five:
        get_changelist(admin_client)
    add_users(5, 45)
    with CaptureQueriesContext(connection) as fifty:
        content = get_changelist(admin_client).content.decode()
    assert len(five) == len(fifty)
    assert "+1 555 49<" in content


def test_changelist_searches_phone_numbers(admin_client):
    """The search box finds a user by the phone number on the profile."""
    add_users(0, 3)
    response = get_changelist(admin_client, q="+1 555 2")
    assert response.context["cl"].result_count == 1


def test_add_page_has_no_profile_inline(admin_client):
    """The profile is created with the user, so the add page does not offer one."""
    response = admin_client.get(reverse("admin:auth_user_add"))
    assert response.status_code == 200
    assert "profile-TOTAL_FORMS" not in response.content.decode()


def test_add_creates_a_user_who_can_log_in_with_one_profile(
    admin_client, client, password
):
    """Adding a user in the admin gives it exactly one profile."""
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "grace",
            "usable_password": "true",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="grace")
    assert response.url == reverse("admin:auth_user_change", args=[user.pk])
    assert Profile.objects.filter(user=user).count() == 1
    assert client.login(username="grace", password=password)


def change_data(user, **profile):
    """The change form as a browser sends it, with the profile inline."""
    has_profile = Profile.objects.filter(user=user).exists()
    return {
        "username": user.username,
        "is_active": "on",
        "date_joined_0": "2024-01-01",
        "date_joined_1": "00:00:00",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1" if has_profile else "0",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-user": str(user.pk),
        # Text in each field of the profile's form, so that a field made
        # required later is filled in too.
        **{f"profile-0-{name}": "filled in" for name in ProfileForm.base_fields},
        "profile-0-date_of_birth": "",
        **{f"profile-0-{name}": value for name, value in profile.items()},
    }


def test_change_page_edits_the_profile_inline(admin_client, user, password):
    """The user's page edits its profile, which cannot be deleted from there."""
    url = reverse("admin:auth_user_change", args=[user.pk])
    content = admin_client.get(url).content.decode()
    assert 'name="profile-0-phone_number"' in content
    assert 'name="profile-0-DELETE"' not in content
    data = change_data(user, id=str(user.profile.pk), phone_number="+81 3 1234 5678")
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert Profile.objects.get(user=user).phone_number == "+81 3 1234 5678"
    assert Profile.objects.filter(user=user).count() == 1
    user.refresh_from_db()
    assert user.check_password(password)


def test_change_page_refuses_a_rename_to_a_look_alike(admin_client, user):
    """Renaming a user so as to read as another account is refused on its page."""
    User.objects.create_user("pope")
    data = change_data(user, id=str(user.profile.pk))
    data["username"] = (
        "\N{CYRILLIC SMALL LETTER ER}\N{CYRILLIC SMALL LETTER O}"
        "\N{CYRILLIC SMALL LETTER ER}\N{CYRILLIC SMALL LETTER IE}"
    )
    response = admin_client.post(
        reverse("admin:auth_user_change", args=[user.pk]), data
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["username"] == [
        "This name looks like an existing one; choose another."
    ]
    user.refresh_from_db()
    assert user.username == "member"


def test_change_page_gives_a_user_without_profile_one(admin_client):
    """For a user saved by bulk_create(), the inline creates the profile."""
    User.objects.bulk_create([User(username="ivan")])
    user = User.objects.get(username="ivan")
    url = reverse("admin:auth_user_change", args=[user.pk])
    assert 'name="profile-0-phone_number"' in admin_client.get(url).content.decode()
    response = admin_client.post(url, change_data(user, id="", phone_number="+1 0199"))
    assert response.status_code == 302
    assert Profile.objects.get(user=user).phone_number == "+1 0199"


def test_change_page_saves_a_profile_that_appeared_after_it_loaded(admin_client):
    """A profile created while the page was open is updated, not refused as a duplicate."""
    User.objects.bulk_create([User(username="kate")])
    user = User.objects.get(username="kate")
    url = reverse("admin:auth_user_change", args=[user.pk])
    data = change_data(user, id="", phone_number="+1 0123")
    # Meanwhile another request reads user.profile, which creates it.
    assert User.objects.get(pk=user.pk).profile.pk is not None
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][
        0
    ].formset.errors
    assert Profile.objects.get(user=user).phone_number == "+1 0123"


def test_deleting_a_user_in_the_admin_deletes_its_profile(admin_client):
    """The delete confirmation removes the user and, by cascade, its profile."""
    user = User.objects.create_user("judy")
    response = admin_client.post(
        reverse("admin:auth_user_delete", args=[user.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(username="judy").exists()
    assert not Profile.objects.filter(user_id=user.pk).exists()


def test_profile_labels_are_marked_for_translation():
    """The profile's names and labels are lazy, so a project's translations apply."""
    labels = [
        Profile._meta.verbose_name,
        Profile._meta.verbose_name_plural,
        Profile._meta.get_field("date_of_birth").verbose_name,
        Profile._meta.get_field("phone_number").verbose_name,
        UserAdmin.phone_number.short_description,
    ]
    assert all(isinstance(label, Promise) for label in labels)
