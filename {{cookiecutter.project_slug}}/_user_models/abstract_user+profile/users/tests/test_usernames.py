import pytest
from django.urls import reverse

from users.forms import AdminUserCreationForm, SignUpForm, UserChangeForm

pytestmark = pytest.mark.django_db

# Spelt out, since a reader cannot tell them from Latin letters.
CYRILLIC_A = "\N{CYRILLIC SMALL LETTER A}"
CYRILLIC_E = "\N{CYRILLIC SMALL LETTER IE}"
CYRILLIC_I = "\N{CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I}"
GREEK_RHO = "\N{GREEK CAPITAL LETTER RHO}"
CYRILLIC_POPE = (
    "\N{CYRILLIC SMALL LETTER ER}\N{CYRILLIC SMALL LETTER O}"
    "\N{CYRILLIC SMALL LETTER ER}\N{CYRILLIC SMALL LETTER IE}"
)
GREEK_ABE = (
    "\N{GREEK CAPITAL LETTER ALPHA}\N{GREEK CAPITAL LETTER BETA}"
    "\N{GREEK CAPITAL LETTER EPSILON}"
)

MIXES_ALPHABETS = (
    "This name mixes alphabets, so it could pass for another; write it in one."
)
LOOKS_LIKE = "This name looks like an existing one; choose another."

# Latin names with one letter of another script in them.
MIXED = [
    pytest.param(f"adm{CYRILLIC_I}n", id="cyrillic-i"),
    pytest.param(f"p{CYRILLIC_A}ypal", id="cyrillic-a"),
    pytest.param(f"{GREEK_RHO}aul", id="greek-rho"),
]
# An existing name, and a new one in a single script that reads as it.
LOOK_ALIKES = [
    pytest.param("pope", CYRILLIC_POPE, id="cyrillic-for-latin"),
    pytest.param(CYRILLIC_POPE, "pope", id="latin-for-cyrillic"),
    pytest.param("ABE", GREEK_ABE, id="greek-for-latin"),
    pytest.param("bill", "bi11", id="digits-for-letters"),
    pytest.param("ll", "II", id="capital-i-for-l"),
]
# Existing names, and new names in one script that read as none of them.
EXISTING = ("admin", "ivan", "all", "a.b", "bill")
ORDINARY = [
    pytest.param("alice", id="latin"),
    pytest.param("иван", id="cyrillic"),
    pytest.param("Αλέξανδρος", id="greek"),
    pytest.param("山田たろう", id="japanese"),
    pytest.param("김민준", id="korean"),
    pytest.param("jörg_1990", id="accent-digits-underscore"),
    pytest.param("ann.lee+shop@mail-box", id="punctuation"),
    # i and l read alike only as a capital I, which is another name.
    pytest.param("ali", id="i-beside-l"),
    # The dot of "a.b" stands for itself, not for any character.
    pytest.param("axb", id="letter-beside-dot"),
]


@pytest.fixture
def sign_up_data(password):
    def data(username):
        return {
            "username": username,
            "email": "newcomer@example.com",
            "password1": password,
            "password2": password,
        }

    return data


def create_users(django_user_model, *usernames):
    for username in usernames:
        django_user_model.objects.create_user(username)


@pytest.mark.parametrize("username", MIXED)
def test_sign_up_refuses_a_name_mixing_alphabets(sign_up_data, username):
    """A name with a letter of another script among its own is refused."""
    form = SignUpForm(data=sign_up_data(username))
    assert form.errors["username"] == [MIXES_ALPHABETS]


@pytest.mark.parametrize(("existing", "username"), LOOK_ALIKES)
def test_sign_up_refuses_a_look_alike_of_an_existing_name(
    django_user_model, sign_up_data, existing, username
):
    """A name that reads as an existing one, letter for letter, is refused."""
    create_users(django_user_model, existing)
    form = SignUpForm(data=sign_up_data(username))
    assert form.errors["username"] == [LOOKS_LIKE]


@pytest.mark.parametrize("username", ORDINARY)
def test_sign_up_accepts_a_name_in_one_script(
    django_user_model, sign_up_data, username
):
    """Names in one script, with digits and @.+-_, stay open beside other names."""
    create_users(django_user_model, *EXISTING)
    form = SignUpForm(data=sign_up_data(username))
    assert form.is_valid(), form.errors
    assert form.save().username == username


def test_sign_up_page_names_the_mistake(client, django_user_model, sign_up_data):
    """The page shows why the name was refused, and no account is created."""
    create_users(django_user_model, "admin")
    response = client.post(reverse("signup"), sign_up_data(f"adm{CYRILLIC_I}n"))
    assert response.status_code == 200
    assert MIXES_ALPHABETS in response.content.decode()
    assert django_user_model.objects.count() == 1


@pytest.mark.parametrize("username", ["a]", "a[", "a\\", "a^", "a!"])
def test_a_name_with_characters_no_username_holds_gets_djangos_message(
    django_user_model, sign_up_data, username
):
    """A name with characters a regular expression reads is refused, not an error."""
    create_users(django_user_model, "admin")
    form = SignUpForm(data=sign_up_data(username))
    assert form.errors["username"] == [django_user_model.username_validator.message]


def test_a_name_taken_in_another_case_gets_djangos_message(
    django_user_model, sign_up_data
):
    """A name differing only in case keeps Django's one message, not a second."""
    create_users(django_user_model, "admin")
    form = SignUpForm(data=sign_up_data("Admin"))
    assert form.errors["username"] == ["A user with that username already exists."]


@pytest.mark.parametrize(
    ("existing", "username", "message"),
    [
        pytest.param((), f"adm{CYRILLIC_I}n", MIXES_ALPHABETS, id="mixed"),
        pytest.param(("pope",), CYRILLIC_POPE, LOOKS_LIKE, id="look-alike"),
    ],
)
def test_admin_add_form_refuses_the_same_names(
    django_user_model, existing, username, message
):
    """Adding a user in the admin meets the same rules as signing up."""
    create_users(django_user_model, *existing)
    form = AdminUserCreationForm(
        data={"username": username, "usable_password": "false"}
    )
    assert form.errors["username"] == [message]


def test_admin_add_page_names_the_mistake(admin_client, django_user_model):
    """The admin's add page says why the name was refused."""
    model = django_user_model._meta
    response = admin_client.post(
        reverse(f"admin:{model.app_label}_{model.model_name}_add"),
        {"username": f"p{CYRILLIC_A}ypal", "usable_password": "false"},
    )
    assert response.status_code == 200
    assert MIXES_ALPHABETS in response.content.decode()
    assert not django_user_model.objects.filter(username=f"p{CYRILLIC_A}ypal").exists()


def change_form(user, **changes):
    data = {"username": user.username, "date_joined": "2024-01-01 00:00", **changes}
    return UserChangeForm(data=data, instance=user)


def test_admin_change_form_refuses_a_rename_to_a_look_alike(django_user_model):
    """Renaming a user so as to read as another account is refused."""
    create_users(django_user_model, "pope")
    user = django_user_model.objects.create_user("member")
    form = change_form(user, username=CYRILLIC_POPE)
    assert form.errors["username"] == [LOOKS_LIKE]
    form = change_form(user, username=f"m{CYRILLIC_E}mber")
    assert form.errors["username"] == [MIXES_ALPHABETS]


def test_admin_change_form_keeps_an_unchanged_name(django_user_model):
    """An account named before these rules can still be edited under its name."""
    create_users(django_user_model, "admin")
    user = django_user_model.objects.create_user(f"adm{CYRILLIC_I}n")
    form = change_form(user, first_name="Ann")
    assert form.is_valid(), form.errors
    assert change_form(user, username="ann").is_valid()
