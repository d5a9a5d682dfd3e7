import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_offers_to_log_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert reverse("login") in response.content.decode()


def test_login_page_logs_in_and_returns_home(client, user, password):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(
        reverse("login"), {"username": user.get_username(), "password": password}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    response = client.get(reverse("home"))
    assert user.get_username() in response.content.decode()


def test_wrong_password_is_refused_on_the_login_page(client, user):
    response = client.post(
        reverse("login"), {"username": user.get_username(), "password": "wrong"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_logout_returns_home(client, user):
    client.force_login(user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert "_auth_user_id" not in client.session


def test_password_reset_pages_render(client):
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        assert client.get(reverse(name)).status_code == 200
