import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.core import mail
from django.urls import reverse

from users.forms import SignUpForm
from users.models import User

pytestmark = pytest.mark.django_db


def sign_up(client, data):
    response = client.post(reverse("signup"), data)
    assert response.status_code == 302
    assert response.url == reverse("signup_done")
    return response


def test_sign_up_opens_an_inactive_account_and_mails_a_link(
    client, sign_up_data, mailed_link
):
    """Nobody can log in before the address is proven."""
    sign_up(client, sign_up_data)
    user = User.objects.get(email="newcomer@example.com")
    assert not user.is_active
    assert str(user.date_of_birth) == "1990-04-01"
    (message,) = mail.outbox
    assert message.to == ["newcomer@example.com"]
    # Mail is plain text: the site's name is written as it is, never HTML-escaped.
    assert settings.SITE_NAME in message.subject
    assert settings.SITE_NAME in message.body
    assert reverse("activate", args=["x", "y"]).split("x/")[0] in mailed_link(message)
    response = client.post(
        reverse("login"),
        {"username": "newcomer@example.com", "password": sign_up_data["password1"]},
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logging_in_before_confirming_says_to_follow_the_link(client, sign_up_data):
    """The refusal, the same as for a wrong password, mentions the mailed link."""
    sign_up(client, sign_up_data)
    response = client.post(
        reverse("login"),
        {"username": "newcomer@example.com", "password": sign_up_data["password1"]},
    )
    (error,) = response.context["form"].non_field_errors()
    assert "follow the link we mailed you" in error
    assert "case-sensitive" not in error


def open_account(client, link, password):
    """Follow an activation link, and give the password on the page it opens."""
    return client.post(link, {"password": password})


def test_the_link_and_the_password_open_the_account_once(
    client, sign_up_data, mailed_link
):
    """The password signed up with opens the account and signs in; the link is spent."""
    sign_up(client, sign_up_data)
    link = mailed_link(mail.outbox[0])
    response = open_account(client, link, sign_up_data["password1"])
    assert response.status_code == 302
    assert response.url == reverse("home")
    user = User.objects.get(email="newcomer@example.com")
    assert user.is_active
    assert client.session["_auth_user_id"] == str(user.pk)
    client.logout()
    response = client.post(
        reverse("login"),
        {"username": "NEWCOMER@example.com", "password": sign_up_data["password1"]},
    )
    assert response.status_code == 302
    response = client.get(link)
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()


@pytest.mark.parametrize("method", ["get", "head"])
def test_fetching_the_link_changes_nothing(client, sign_up_data, method, mailed_link):
    """Mail scanners and link previews fetch links: that opens no account."""
    sign_up(client, sign_up_data)
    client.logout()
    response = getattr(client, method)(mailed_link(mail.outbox[0]))
    assert response.status_code == 200
    assert not User.objects.get(email="newcomer@example.com").is_active


def test_the_link_without_the_password_opens_nothing(client, sign_up_data, mailed_link):
    """Someone else's password, at the right link, gets a field error."""
    sign_up(client, sign_up_data)
    response = open_account(client, mailed_link(mail.outbox[0]), "a guess of mine")
    assert response.status_code == 200
    assert response.context["form"].has_error("password", "password_incorrect")
    assert not User.objects.get(email="newcomer@example.com").is_active
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "spoil",
    [
        lambda link: link[:-4] + "abc/",
        lambda link: link.replace("/activate/", "/activate/AA"),
        lambda link: "/accounts/activate/!!/nope/",
    ],
    ids=["tampered-token", "wrong-user", "garbage"],
)
def test_a_spoiled_link_gets_a_page_not_an_error(
    client, sign_up_data, spoil, mailed_link
):
    """A tampered, foreign or garbled link gets the invalid-link page."""
    sign_up(client, sign_up_data)
    response = open_account(
        client, spoil(mailed_link(mail.outbox[0])), sign_up_data["password1"]
    )
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert not User.objects.get(email="newcomer@example.com").is_active


def test_an_expired_link_is_refused(client, sign_up_data, settings, mailed_link):
    """Links expire like password-reset links (PASSWORD_RESET_TIMEOUT)."""
    sign_up(client, sign_up_data)
    settings.PASSWORD_RESET_TIMEOUT = -1
    response = open_account(
        client, mailed_link(mail.outbox[0]), sign_up_data["password1"]
    )
    assert response.status_code == 400
    assert not User.objects.get(email="newcomer@example.com").is_active


def choose_password(client, link, password):
    """Follow a mailed link to choose the password, and choose it."""
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    return client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
    )


def test_signing_up_again_unconfirmed_mails_a_link_to_choose_the_password(
    client, sign_up_data, mailed_link
):
    """A lost mail is no dead end: the same address gets a link that opens the account."""
    sign_up(client, sign_up_data)
    sign_up(client, {**sign_up_data, "email": "Newcomer@Example.com"})
    assert User.objects.count() == 1
    first, second = mail.outbox
    assert second.to == ["newcomer@example.com"]
    assert "/signup/finish/" in mailed_link(second)
    response = choose_password(client, mailed_link(second), "a passphrase of my own")
    assert response.url == reverse("login")
    assert User.objects.get().is_active
    assert client.login(
        username="newcomer@example.com", password="a passphrase of my own"
    )
    # Each link opened the account at most once.
    assert client.get(mailed_link(first)).status_code == 400
    assert client.get(mailed_link(second)).status_code == 400


def test_signing_up_first_with_someone_elses_address_gains_nothing(
    client, sign_up_data, mailed_link
):
    """Whoever signs up first with someone else's address never gets to log in."""
    squatter = "the squatter's passphrase"
    sign_up(client, {**sign_up_data, "password1": squatter, "password2": squatter})
    sign_up(client, sign_up_data)
    squatters_link, owners_link = map(mailed_link, mail.outbox)
    assert open_account(client, squatters_link, squatter).status_code == 400
    choose_password(client, owners_link, "the owner's passphrase")
    assert not client.login(username="newcomer@example.com", password=squatter)
    assert client.login(
        username="newcomer@example.com", password="the owner's passphrase"
    )


def test_the_mailbox_owner_can_choose_the_password_instead(
    client, sign_up_data, mailed_link
):
    """Someone who signed up with another's address: its owner opens it their way."""
    squatter = "the squatter's passphrase"
    sign_up(client, {**sign_up_data, "password1": squatter, "password2": squatter})
    page = client.get(mailed_link(mail.outbox[0]))
    choose_link = page.context["choose_password_url"]
    assert choose_link in page.content.decode()
    assert User.objects.get(email="newcomer@example.com").awaiting_confirmation
    response = choose_password(client, choose_link, "the owner's passphrase")
    assert response.url == reverse("login")
    assert not client.login(username="newcomer@example.com", password=squatter)
    assert client.login(
        username="newcomer@example.com", password="the owner's passphrase"
    )


def test_signing_up_again_and_again_keeps_the_owners_link_working(
    client, sign_up_data, mailed_link
):
    """Each new sign-up mails a link; none of them kills those mailed before."""
    for _ in range(3):
        sign_up(client, sign_up_data)
    first_finish_link = mailed_link(mail.outbox[1])
    assert "/signup/finish/" in first_finish_link
    choose_password(client, first_finish_link, "the owner's passphrase")
    assert client.login(
        username="newcomer@example.com", password="the owner's passphrase"
    )


@pytest.mark.parametrize("how", ["opened-then-closed", "made-in-the-admin"])
def test_an_account_an_administrator_closed_stays_closed(
    client, sign_up_data, how, mailed_link
):
    """Neither its old link nor a new sign-up reopens it, or mails a way in."""
    password = sign_up_data["password1"]
    if how == "opened-then-closed":
        sign_up(client, sign_up_data)
        link = mailed_link(mail.outbox[0])
        open_account(client, link, password)
        client.logout()
    else:
        User.objects.create_user("newcomer@example.com", password)
        link = None
    User.objects.update(is_active=False)
    mail.outbox.clear()
    if link:
        assert open_account(client, link, password).status_code == 400
    sign_up(client, sign_up_data)
    assert mail.outbox == []
    user = User.objects.get()
    assert not user.is_active
    assert user.check_password(password)


def test_signing_up_with_a_confirmed_address_reveals_nothing(
    client, user, sign_up_data
):
    """The page is the same as for a new address; the owner gets a note by mail."""
    response = sign_up(client, {**sign_up_data, "email": "MEMBER@example.com"})
    new_response = sign_up(client, {**sign_up_data, "email": "someone@example.com"})
    assert response.url == new_response.url
    assert User.objects.filter(email="member@example.com").count() == 1
    note = next(m for m in mail.outbox if m.to == ["member@example.com"])
    assert "already has an account" in note.body
    assert "/activate/" not in note.body


def test_a_taken_address_with_a_weak_password_shows_only_the_password_error(
    client, user, sign_up_data
):
    """Errors are those any address would get, so they tell nothing either."""
    data = {**sign_up_data, "email": user.email, "password1": "x", "password2": "x"}
    response = client.post(reverse("signup"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error("password2")
    assert not form.has_error("email")
    assert mail.outbox == []


def test_a_password_like_the_address_gets_the_same_error_whether_taken_or_not(
    client, user, sign_up_data
):
    """The password validators see the address either way, so their errors tell nothing."""
    errors = []
    for email in (user.email, "someone.else@example.com"):
        data = {**sign_up_data, "email": email, "password1": email, "password2": email}
        response = client.post(reverse("signup"), data)
        assert response.status_code == 200
        errors.append(response.context["form"].errors)
    assert errors[0] == errors[1]
    assert "too similar to the email address" in str(errors[0]["password2"])
    assert User.objects.count() == 1


def test_a_taken_address_costs_the_same_password_hash_as_a_new_one(
    client, user, sign_up_data, monkeypatch
):
    """Hashing is most of a sign-up's time: both answers hash the password once."""
    hashed = []
    hasher = get_hasher()
    encode = hasher.encode

    def encode_and_count(self, password, salt):
        hashed.append(password)
        return encode(password, salt)

    monkeypatch.setattr(type(hasher), "encode", encode_and_count)
    sign_up(client, {**sign_up_data, "email": user.email})
    sign_up(client, sign_up_data)
    assert hashed == [sign_up_data["password1"]] * 2


def test_two_sign_ups_at_once_make_one_account(client, sign_up_data, monkeypatch):
    """The loser of the race gets the same page, not an error."""
    original = SignUpForm.address_taken

    def checked_just_before_a_twin(form):
        taken = original(form)
        User.objects.create_user("newcomer@example.com", is_active=False)
        return taken

    monkeypatch.setattr(SignUpForm, "address_taken", checked_just_before_a_twin)
    sign_up(client, sign_up_data)
    assert User.objects.filter(email="newcomer@example.com").count() == 1


@pytest.fixture
def member_client(client, user):
    client.force_login(user)
    return client


def account_data(**changes):
    return {
        "email": "member@example.com",
        "current_password": "",
        "date_of_birth": "",
        "phone_number": "",
        **changes,
    }


@pytest.fixture
def ask_for_address(mailed_link):
    """Return a function asking on "Your account" for a new address."""

    def ask(client, email, password):
        """Return the link mailed to the new address."""
        mail.outbox.clear()
        response = client.post(
            reverse("account"), account_data(email=email, current_password=password)
        )
        assert response.status_code == 302
        (confirmation,) = [m for m in mail.outbox if m.to == [email.lower()]]
        return mailed_link(confirmation)

    return ask


def test_account_page_saves_the_extra_fields(member_client, user):
    """The extra fields are saved at once, with no password and no mail."""
    response = member_client.post(
        reverse("account"), account_data(phone_number="+44 1"), follow=True
    )
    assert "Your details were saved." in response.content.decode()
    user.refresh_from_db()
    assert user.phone_number == "+44 1"
    assert mail.outbox == []


@pytest.mark.parametrize("typed", ["", "not my password"])
def test_a_new_address_needs_the_current_password(member_client, user, typed):
    """A stolen session alone cannot send the account's mail elsewhere."""
    response = member_client.post(
        reverse("account"),
        account_data(email="thief@example.com", current_password=typed),
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("current_password")
    user.refresh_from_db()
    assert (user.email, user.pending_email) == ("member@example.com", "")
    assert mail.outbox == []


def test_a_new_address_takes_effect_through_its_link(
    member_client, user, password, ask_for_address
):
    """The old address is told; following the link shows a page, its button changes."""
    link = ask_for_address(member_client, "New.Address@Example.com", password)
    (notice,) = [m for m in mail.outbox if m.to == ["member@example.com"]]
    assert "new.address@example.com" in notice.body
    assert "://" not in notice.body
    user.refresh_from_db()
    assert user.email == "member@example.com"
    page = member_client.get(link)
    assert page.status_code == 200
    member_client.head(link)
    user.refresh_from_db()
    assert user.email == "member@example.com"
    response = member_client.post(link, follow=True)
    assert "Your email address is now new.address@example.com." in (
        response.content.decode()
    )
    user.refresh_from_db()
    assert (user.email, user.pending_email) == ("new.address@example.com", "")
    assert member_client.post(link).status_code == 400


def test_the_link_works_only_for_the_account_signed_in(
    client, user, password, ask_for_address
):
    """Without a session it asks to log in; another account gets the refusal."""
    client.force_login(user)
    link = ask_for_address(client, "new@example.com", password)
    client.logout()
    response = client.post(link)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    client.force_login(User.objects.create_user("other@example.com"))
    assert client.post(link).status_code == 400
    user.refresh_from_db()
    assert user.email == "member@example.com"


def test_a_password_change_kills_the_link(
    member_client, user, password, ask_for_address
):
    """Whoever changes the password after a thief asked for an address stops it."""
    link = ask_for_address(member_client, "thief@example.com", password)
    new_password = "a brand new passphrase"
    member_client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )
    assert member_client.post(link).status_code == 400
    user.refresh_from_db()
    assert user.email == "member@example.com"


def test_a_link_dies_with_any_later_change_of_address(
    member_client, user, password, ask_for_address
):
    """A→B, then B→A: the first link cannot switch the address back to B."""
    to_b = ask_for_address(member_client, "b@example.com", password)
    member_client.post(to_b)
    to_a = ask_for_address(member_client, "member@example.com", password)
    member_client.post(to_a)
    user.refresh_from_db()
    assert user.email == "member@example.com"
    assert member_client.post(to_b).status_code == 400
    user.refresh_from_db()
    assert user.email == "member@example.com"
    # Asking for another address kills the link for the one asked before.
    to_c = ask_for_address(member_client, "c@example.com", password)
    ask_for_address(member_client, "d@example.com", password)
    assert member_client.post(to_c).status_code == 400


def test_a_confirmation_for_an_address_taken_meanwhile_is_refused(
    member_client, user, password, ask_for_address
):
    """An address another account took in the meantime is not given away."""
    link = ask_for_address(member_client, "taken@example.com", password)
    User.objects.create_user("TAKEN@example.com")
    response = member_client.post(link, follow=True)
    assert "That address now belongs to another account." in response.content.decode()
    user.refresh_from_db()
    assert user.email == "member@example.com"


def test_a_tampered_confirmation_link_is_refused(
    member_client, user, password, ask_for_address
):
    """An altered confirmation link changes nothing."""
    link = ask_for_address(member_client, "new@example.com", password)
    assert member_client.post(link[:-3] + "xx/").status_code == 400
    user.refresh_from_db()
    assert user.email == "member@example.com"
