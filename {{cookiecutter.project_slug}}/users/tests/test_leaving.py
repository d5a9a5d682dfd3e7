import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import authenticate
from django.contrib.contenttypes.models import ContentType
from django.test import Client, RequestFactory
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_superuser(django_user_model, django_username_field):
    """Return a function that makes a user an active superuser, or a new one."""

    def making(user=None, name="root", is_active=True):
        if user is None:
            user = django_user_model.objects.create_user(
                **{
                    django_username_field: name,
                    django_user_model.get_email_field_name(): f"{name}@example.com",
                }
            )
        user.is_staff = user.is_superuser = True
        user.is_active = is_active
        user.save()
        return user

    return making


def delete(client, password):
    return client.post(reverse("delete_account"), {"password": password})


def rows_pointing_at(user_model, pk):
    """Count, per model, the rows whose foreign key or one-to-one names the user."""
    return {
        relation.related_model._meta.label: relation.related_model._base_manager.filter(
            **{relation.field.name: pk}
        ).count()
        for relation in user_model._meta.related_objects
        if not relation.many_to_many
    }


def test_your_account_links_to_the_page(client, member, assert_in_the_sites_layout):
    """The "Your account" page links to the deletion page, in the site's layout."""
    account = client.get(reverse("account")).content.decode()
    assert f'href="{reverse("delete_account")}"' in account
    response = client.get(reverse("delete_account"))
    assert response.status_code == 200
    page = response.content.decode()
    assert_in_the_sites_layout(page)
    assert 'name="password"' in page


def test_anonymous_visitors_are_asked_to_log_in(client):
    """There is no account to delete until someone logs in."""
    response = client.get(reverse("delete_account"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('delete_account')}"
    response = delete(client, "anything")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_right_password_deletes_the_account_and_logs_out(
    client, member, password, django_user_model
):
    """The account goes, with every session of it, and the home page says so."""
    elsewhere = Client()
    elsewhere.force_login(member)
    response = delete(client, password)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert not django_user_model.objects.filter(pk=member.pk).exists()
    assert "_auth_user_id" not in client.session
    page = client.get(response.url).content.decode()
    assert "Your account has been deleted." in page
    assert "You are logged in" not in page
    assert elsewhere.get(reverse("account")).status_code == 302


def test_a_wrong_password_keeps_the_account_and_the_session(
    client, member, django_user_model
):
    """A wrong password is refused on the page, and nothing changes."""
    response = delete(client, "not the password")
    assert response.status_code == 200
    assert "Your password was entered incorrectly" in response.content.decode()
    assert django_user_model.objects.filter(pk=member.pk).exists()
    assert int(client.session["_auth_user_id"]) == member.pk
    assert delete(client, "").status_code == 200
    assert django_user_model.objects.filter(pk=member.pk).exists()


@pytest.mark.parametrize("method", ["get", "head"])
def test_opening_the_page_deletes_nothing(client, member, django_user_model, method):
    """Link previews and prefetchers fetch pages: only the form's POST deletes."""
    response = getattr(client, method)(reverse("delete_account"))
    assert response.status_code == 200
    assert django_user_model.objects.filter(pk=member.pk).exists()
    assert int(client.session["_auth_user_id"]) == member.pk


def test_rows_that_point_at_the_account_go_with_it(
    client, member, password, django_user_model
):
    """The admin's history of the account, and any profile, are deleted with it."""
    LogEntry.objects.create(
        user=member,
        content_type=ContentType.objects.get_for_model(django_user_model),
        object_id=str(member.pk),
        object_repr=str(member),
        action_flag=CHANGE,
    )
    before = rows_pointing_at(django_user_model, member.pk)
    assert before["admin.LogEntry"] == 1
    # With the profile user model, the account's one profile.
    assert before.get("users.Profile", 1) == 1
    assert delete(client, password).status_code == 302
    assert not any(rows_pointing_at(django_user_model, member.pk).values())


def test_the_last_active_superuser_is_kept(
    client, member, password, make_superuser, django_user_model
):
    """The site keeps a superuser: the only active one cannot delete itself here."""
    make_superuser(member)
    make_superuser(name="retired", is_active=False)
    response = delete(client, password)
    assert response.status_code == 200
    assert "only active superuser" in response.content.decode()
    assert django_user_model.objects.filter(pk=member.pk).exists()
    assert int(client.session["_auth_user_id"]) == member.pk


def test_a_superuser_may_leave_while_another_remains(
    client, member, password, make_superuser, django_user_model
):
    """With another active superuser, a superuser's account is deleted as any other."""
    make_superuser(member)
    other = make_superuser()
    assert delete(client, password).status_code == 302
    assert list(django_user_model.objects.values_list("pk", flat=True)) == [other.pk]


def test_wrong_passwords_count_towards_the_lockout(
    client, member, password, settings, django_user_model
):
    """Guessing here with a borrowed session locks the account as log-ins do."""
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert delete(client, "a guess").status_code == 200
    assert delete(client, "a guess").status_code == 429
    # Locked out, even the right password deletes nothing, nor logs in.
    assert delete(client, password).status_code == 429
    assert django_user_model.objects.filter(pk=member.pk).exists()
    log_in = RequestFactory().post(reverse("login"))
    assert (
        authenticate(log_in, username=member.get_username(), password=password) is None
    )
