import pytest
from django.contrib.auth.hashers import get_hasher
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_sign_up_hashes_the_password_outside_its_write_transaction(
    client, sign_up_data, monkeypatch
):
    """SQLite's write lock is held for the inserts only, not for the slow hash."""
    baseline = len(connection.atomic_blocks)
    depths = []
    hasher = get_hasher()
    encode = hasher.encode

    def encode_and_note_the_depth(self, password, salt):
        depths.append(len(connection.atomic_blocks) - baseline)
        return encode(password, salt)

    monkeypatch.setattr(type(hasher), "encode", encode_and_note_the_depth)
    assert client.post(reverse("signup"), sign_up_data).status_code == 302
    assert depths == [0]
