"""Count the queries of a generated project's hot paths; print one JSON object.

Run with the project's interpreter: python hot_paths.py PROJECT_DIR [DATABASE_URL].
Without a URL it uses a throwaway SQLite database in a temporary folder; a URL must
name an empty database.
"""

import json
import os
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(sys.argv[1]).resolve()
DATABASE_URL = sys.argv[2] if len(sys.argv) > 2 else None
PASSWORD = "a long enough passphrase"


def setup_django(database_dir):
    sys.path.insert(0, str(PROJECT_DIR))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = (
        DATABASE_URL or f"sqlite:///{Path(database_dir, 'bench.sqlite3')}"
    )
    os.environ["DEBUG"] = "True"
    import django
    from django.conf import settings

    django.setup()
    # Only queries are counted here; the fast hasher keeps the run short.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def count_queries(action):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def main():
    with tempfile.TemporaryDirectory() as database_dir:
        setup_django(database_dir)
        print(json.dumps(measure()))


def measure():
    from django.apps import apps
    from django.contrib.auth import authenticate, get_user, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client, RequestFactory

    User = get_user_model()
    has_profile = apps.is_installed("users") and any(
        model.__name__ == "Profile"
        for model in apps.get_app_config("users").get_models()
    )
    login_field = User.USERNAME_FIELD
    login = "reader@example.com" if login_field == "email" else "reader"
    user = User.objects.create_user(login, password=PASSWORD)
    figures = {
        "login_field": login_field,
        "login_queries": count_queries(
            lambda: (
                authenticate(username=login.upper(), password=PASSWORD)
                if login_field == "email"
                else authenticate(username=login, password=PASSWORD)
            )
        ),
    }

    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    # The backend that checks passwords, as login() records it; the throttling
    # backend listed first only refuses.
    session["_auth_user_backend"] = authenticate(
        username=login, password=PASSWORD
    ).backend
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.save()

    def load_user():
        request = RequestFactory().get("/")
        request.session = SessionStore(session.session_key)
        return get_user(request)

    def load_user_and_read_fields():
        loaded = load_user()
        holder = loaded.profile if has_profile else loaded
        return holder.date_of_birth, holder.phone_number

    figures["load_user_queries"] = count_queries(load_user)
    figures["load_user_and_fields_queries"] = count_queries(load_user_and_read_fields)

    admin = User.objects.create_superuser(
        "admin@example.com" if login_field == "email" else "admin",
        password=PASSWORD,
        **({} if login_field == "email" else {"email": "admin@example.com"}),
    )
    client = Client()
    client.force_login(admin)
    changelist = f"/admin/{User._meta.app_label}/{User._meta.model_name}/"
    for total in (10, 100):
        for number in range(User.objects.count(), total):
            name = (
                f"user{number}@example.com"
                if login_field == "email"
                else f"user{number}"
            )
            User.objects.create_user(name, password=PASSWORD)
        response = None

        def get_changelist():
            nonlocal response
            response = client.get(changelist)

        figures[f"admin_list_{total}_queries"] = count_queries(get_changelist)
        assert response.status_code == 200, response.status_code

    if has_profile:
        figures.update(measure_ensure_profiles(User))
    return figures


def measure_ensure_profiles(User):
    from io import StringIO

    from django.core.management import call_command

    User.objects.bulk_create(
        User(username=f"bulk{number}", password="!") for number in range(10_000)
    )
    output = StringIO()
    started = time.perf_counter()
    queries = count_queries(lambda: call_command("ensure_profiles", stdout=output))
    seconds = time.perf_counter() - started
    return {
        "ensure_profiles_10000_seconds": round(seconds, 3),
        "ensure_profiles_10000_queries": queries,
        "ensure_profiles_output": output.getvalue().strip(),
    }


if __name__ == "__main__":
    main()
