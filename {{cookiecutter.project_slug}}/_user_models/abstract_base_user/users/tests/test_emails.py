from contextlib import contextmanager

import pytest
from django.contrib import admin
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from users.admin import UserAdmin
from users.emails import canonical_email
from users.forms import (
    AdminUserCreationForm,
    EmailTakenMeanwhile,
    UserChangeForm,
    UserCreationForm,
)
from users.managers import UserManager
from users.models import User

EMAIL_TAKEN = "A user with that email address already exists."
INVALID = "Enter a valid email address."
INVISIBLE = "Enter an email address without spaces or invisible characters."
REFUSED = None

pytestmark = pytest.mark.django_db

# The accounts stored before each test, as typed; bücher.de is stored in ASCII.
ACCOUNTS = (
    "alice@example.com",
    "alice@bücher.de",
    "kim@example.com",
    "émile@example.com",
)


def fullwidth(text):
    """Return ASCII text in the fullwidth forms East Asian keyboards type."""
    return "".join(chr(ord(char) + 0xFEE0) for char in text)


# Each spelling, by name: the spelling typed, and the stored account whose mailbox
# it reaches, or REFUSED. Each entry point meets them all in one test, a subtest
# each, so that the accounts and the admin are set up once rather than 32 times.
SPELLINGS = {
    "case": ("Alice@Example.COM", "alice@example.com"),
    "spaces-around": ("  alice@example.com  ", "alice@example.com"),
    "tab-newline": ("\talice@example.com\r\n", "alice@example.com"),
    "nbsp-around": ("\xa0alice@example.com\xa0", "alice@example.com"),
    "ideographic-space": ("\u3000alice@example.com", "alice@example.com"),
    "fullwidth": (fullwidth("alice") + "@example.com", "alice@example.com"),
    "fullwidth-all": (fullwidth("alice@example.com"), "alice@example.com"),
    "ideographic-stop": ("alice@example。com", "alice@example.com"),
    "kelvin-sign": ("\u212aim@example.com", "kim@example.com"),
    "non-ascii-case": ("ÉMILE@example.com", "émile@example.com"),
    "combining-accent": ("e\u0301mile@example.com", "émile@example.com"),
    "idn": ("alice@bücher.de", "alice@xn--bcher-kva.de"),
    "idn-case": ("Alice@BÜCHER.DE", "alice@xn--bcher-kva.de"),
    "idn-combining": ("alice@bu\u0308cher.de", "alice@xn--bcher-kva.de"),
    "punycode": ("alice@xn--bcher-kva.de", "alice@xn--bcher-kva.de"),
    "punycode-case": ("ALICE@XN--BCHER-KVA.DE", "alice@xn--bcher-kva.de"),
    "soft-hyphen-domain": ("alice@exa\xadmple.com", REFUSED),
    "soft-hyphen-local": ("ali\xadce@example.com", REFUSED),
    "soft-hyphen-idn": ("alice@bücher\xad.de", REFUSED),
    "zero-width-space-end": ("alice@example.com\u200b", REFUSED),
    "zero-width-space-domain": ("alice@exa\u200bmple.com", REFUSED),
    "zero-width-joiner": ("al\u200dice@example.com", REFUSED),
    "word-joiner": ("alice@exa\u2060mple.com", REFUSED),
    "byte-order-mark": ("\ufeffalice@example.com", REFUSED),
    "right-to-left-override": ("alice\u202e@example.com", REFUSED),
    "space-inside": ("ali ce@example.com", REFUSED),
    "nbsp-inside": ("alice@exa\xa0mple.com", REFUSED),
    "trailing-dot": ("alice@example.com.", REFUSED),
    "punycode-soft-hyphen": ("alice@xn--example-nka.com", REFUSED),
    "punycode-of-ascii": ("alice@xn--example-.com", REFUSED),
    "punycode-capital": ("alice@xn--bcher-2pa.de", REFUSED),
    "punycode-broken": ("alice@xn--zz.de", REFUSED),
}


@pytest.fixture
def accounts():
    """Store ACCOUNTS and return how many users there are."""
    for email in ACCOUNTS:
        User.objects.create_user(email)
    return User.objects.count()


@contextmanager
def rolled_back():
    """
    Undo what the block stores: a spelling stored by mistake fails alone. The
    mail the block asked for no longer counts against the hourly limits either.
    """
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
    cache.clear()


def test_canonical_email_folds_or_refuses(subtests):
    """Each spelling gives its account's stored address, or is refused."""
    for name, (spelling, account) in SPELLINGS.items():
        with subtests.test(name):
            if account is REFUSED:
                with pytest.raises(ValidationError) as error:
                    canonical_email(spelling)
                assert error.value.messages[0] in {INVALID, INVISIBLE}
            else:
                assert canonical_email(spelling) == account
                assert canonical_email(account) == account


def create_user(email):
    User.objects.create_user(email)


def objects_create(email):
    User.objects.create(email=email)


def save_an_instance(email):
    User(email=email).save()


@pytest.mark.parametrize("save", [create_user, objects_create, save_an_instance])
def test_code_never_stores_a_second_account(accounts, subtests, save):
    """Saved from code, a spelling meets its account in the database, or is refused."""
    for name, (spelling, account) in SPELLINGS.items():
        with subtests.test(name), rolled_back():
            expected = IntegrityError if account else ValidationError
            with pytest.raises(expected), transaction.atomic():
                save(spelling)
            assert User.objects.count() == accounts


def test_login_lookup_finds_the_account_of_a_spelling(accounts, subtests):
    """Login finds the account a spelling reaches, and no one for a refused one."""
    for name, (spelling, account) in SPELLINGS.items():
        with subtests.test(name), rolled_back():
            if account is REFUSED:
                with pytest.raises(User.DoesNotExist):
                    User.objects.get_by_natural_key(spelling)
            else:
                assert User.objects.get_by_natural_key(spelling).email == account


def refused_by_forms(account):
    """Whether a form refuses a spelling: Django's email validation accepts only
    ASCII before the "@", so forms refuse what code folds into émile@."""
    return account is REFUSED or not account.isascii()


def assert_refused_or_taken(errors, account):
    """Assert a form refused the spelling, or found its account, on "email" only."""
    assert list(errors) == ["email"]
    (message,) = errors["email"]
    if refused_by_forms(account):
        assert message in {INVALID, INVISIBLE}
    else:
        assert message == EMAIL_TAKEN


def creation_form(email, user, password):
    return UserCreationForm(
        data={"email": email, "password1": password, "password2": password}
    )


def admin_creation_form(email, user, password):
    return AdminUserCreationForm(data={"email": email, "usable_password": "false"})


def change_form(email, user, password):
    data = {"email": email, "date_joined": "2024-01-01 00:00:00"}
    return UserChangeForm(data=data, instance=user)


@pytest.mark.parametrize("form", [creation_form, admin_creation_form, change_form])
def test_forms_never_make_a_second_account(accounts, subtests, user, password, form):
    """A form refuses each spelling on its email field, as taken or as invalid."""
    for name, (spelling, account) in SPELLINGS.items():
        with subtests.test(name), rolled_back():
            bound = form(spelling, user, password)
            assert not bound.is_valid()
            assert_refused_or_taken(bound.errors, account)


def test_sign_up_never_makes_a_second_account(
    accounts, subtests, client, mailoutbox, password
):
    """The sign-up page refuses a spelling, or mails the account it reaches."""
    for name, (spelling, account) in SPELLINGS.items():
        with subtests.test(name), rolled_back():
            mailoutbox.clear()
            response = client.post(
                reverse("signup"),
                {"email": spelling, "password1": password, "password2": password},
            )
            assert User.objects.count() == accounts
            if refused_by_forms(account):
                assert list(response.context["form"].errors) == ["email"]
                assert mailoutbox == []
            else:
                assert response.url == reverse("signup_done")
                (mail,) = mailoutbox
                assert mail.to == [account]


def test_password_reset_finds_the_account_of_a_spelling(
    accounts, subtests, client, mailoutbox, password
):
    """A reset asked for in another spelling mails the account's own address."""
    User.objects.update(password=make_password(password))

    for name, (spelling, account) in SPELLINGS.items():
        with subtests.test(name), rolled_back():
            mailoutbox.clear()
            response = client.post(reverse("password_reset"), {"email": spelling})
            if refused_by_forms(account):
                assert list(response.context["form"].errors) == ["email"]
                assert mailoutbox == []
            else:
                assert response.url == reverse("password_reset_done")
                (mail,) = mailoutbox
                assert mail.to == [account]


@pytest.fixture
def admin_form(rf, admin_user):
    """
    Return the form class the admin's add page (for no user) or change page uses.

    test_admin posts to both pages and sees a taken address refused on them; here
    the forms meet every spelling, without rendering a page 64 times.
    """

    def form_class(user=None):
        request = rf.get("/")
        request.user = admin_user
        user_admin = admin.site.get_model_admin(User)
        return user_admin.get_form(request, user, change=user is not None)

    return form_class


def test_admin_add_never_makes_a_second_account(accounts, subtests, admin_form):
    """The admin's add form refuses each spelling on the email field."""
    add_page_form = admin_form()

    for name, (spelling, account) in SPELLINGS.items():
        with subtests.test(name), rolled_back():
            form = add_page_form({"email": spelling, "usable_password": "false"})
            assert not form.is_valid()
            assert_refused_or_taken(form.errors, account)


def test_admin_change_never_makes_a_second_account(
    accounts, subtests, admin_form, user, change_data
):
    """The admin's change form refuses to give a user another account's mailbox."""
    change_page_form = admin_form(user)

    for name, (spelling, account) in SPELLINGS.items():
        with subtests.test(name), rolled_back():
            form = change_page_form(change_data(user, email=spelling), instance=user)
            assert not form.is_valid()
            assert_refused_or_taken(form.errors, account)


def test_an_imported_row_is_stored_in_the_one_spelling():
    """A row saved as import tools save it, without the manager, is stored folded."""
    User(email="Dora@Example.COM").save()
    assert User.objects.get().email == "dora@example.com"


@pytest.mark.parametrize(
    "email",
    [
        "alice@☃.com",
        "alice@xn--n3h.com",
        "alice@-bücher.de",
        "alice@\u0301bücher.de",
        f"alice@{'ü' * 60}.de",
    ],
    ids=["symbol", "symbol-punycode", "leading-hyphen", "combining-first", "too-long"],
)
def test_a_domain_idna_does_not_allow_is_refused(email, password):
    """A domain label IDNA 2008 does not allow, which no mail server resolves, is refused."""
    with pytest.raises(ValidationError):
        canonical_email(email)
    form = creation_form(email, None, password)
    assert not form.is_valid()
    assert form.errors["email"] == [INVALID]


def test_distinct_mailboxes_stay_distinct_accounts():
    """Addresses that only look alike, such as straße.de and strasse.de, are two."""
    for email in ("alice@straße.de", "alice@strasse.de", "alice@example.org"):
        User.objects.create_user(email)
    assert set(User.objects.values_list("email", flat=True)) == {
        "alice@xn--strae-oqa.de",
        "alice@strasse.de",
        "alice@example.org",
    }


def test_model_validation_reports_a_refused_spelling_on_the_email_field():
    """full_clean() names the email field when the address has an invisible character."""
    with pytest.raises(ValidationError) as error:
        User(email="alice@exa\u200bmple.com", password="!").full_clean()
    assert INVISIBLE in error.value.message_dict["email"]


def test_saving_other_fields_leaves_a_stored_address_alone(password):
    """Login still works for an address stored before it would have been refused."""
    (user,) = User.objects.bulk_create(
        [User(email="old\u200b@example.com", password=make_password(password))]
    )
    user.save(update_fields=["last_login"])
    user.refresh_from_db()
    assert user.email == "old\u200b@example.com"


def test_form_save_reports_an_address_taken_meanwhile(password):
    """A sign-up whose address was taken after validation gets the field error."""
    form = UserCreationForm(
        data={"email": "Ruth@Example.com", "password1": password, "password2": password}
    )
    assert form.is_valid()
    User.objects.create_user("ruth@example.com")
    with pytest.raises(EmailTakenMeanwhile):
        form.save()
    assert form.errors == {"email": [EMAIL_TAKEN]}
    assert User.objects.count() == 1


@pytest.fixture
def stored_after_validation(monkeypatch):
    """
    Return a function that stores a user whom the admin's form validation does
    not see, as if another request stored it just after; it returns the forms
    the admin then saves.
    """

    def store(email):
        hidden = [User.objects.create_user(email).pk]
        saved = []
        get_queryset = UserManager.get_queryset
        save_form = UserAdmin.save_form

        def get_queryset_missing_hidden(self):
            return get_queryset(self).exclude(pk__in=list(hidden))

        def save_form_after_another_request(self, request, form, change):
            hidden.clear()
            saved.append(form)
            return save_form(self, request, form, change)

        monkeypatch.setattr(UserManager, "get_queryset", get_queryset_missing_hidden)
        monkeypatch.setattr(UserAdmin, "save_form", save_form_after_another_request)
        return saved

    return store


def test_admin_add_reports_an_address_taken_meanwhile(
    admin_client, stored_after_validation
):
    """Two adds of one address at once: the later one gets the form with the error."""
    saved = stored_after_validation("sam@example.com")
    response = admin_client.post(
        reverse("admin:users_user_add"),
        {"email": "Sam@Example.com", "usable_password": "false"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"email": [EMAIL_TAKEN]}
    assert len(saved) == 1
    assert User.objects.filter(email="sam@example.com").count() == 1


def test_admin_change_reports_an_address_taken_meanwhile(
    admin_client, user, stored_after_validation, change_data
):
    """A change to an address another request stored meanwhile gets the error."""
    saved = stored_after_validation("tom@example.com")
    url = reverse("admin:users_user_change", args=[user.pk])
    response = admin_client.post(url, change_data(user, email="Tom@Example.com"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"email": [EMAIL_TAKEN]}
    assert len(saved) == 1
    user.refresh_from_db()
    assert user.email != "tom@example.com"
