"""The throwaway PostgreSQL server of .ci/run, driven through stand-in commands."""

import subprocess
from pathlib import Path

from tests.environments import TEMPLATE_DIR

# Stand-ins for Debian's PostgreSQL: initdb makes the data folder; pg_ctl refuses
# to start on the port another server holds, and fails to stop, as a server that
# already died does.
FAKE_INITDB = """#!/bin/sh
mkdir -p "$2"
"""
FAKE_PG_CTL = """#!/bin/sh
case " $* " in
    *" start "*)
        port=$(printf '%s\\n' "$*" | sed -n 's/.*-c port=\\([0-9]*\\).*/\\1/p')
        echo "start $port" >> "$CALLS"
        [ "$port" != 54329 ] ;;
    *" stop "*)
        echo stop >> "$CALLS"
        exit 1 ;;
esac
"""


def run_with_fake_postgres(tmp_path, script):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in (("initdb", FAKE_INITDB), ("pg_ctl", FAKE_PG_CTL)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    prelude = f"""
set -euo pipefail
. .ci/postgres.sh
pg_bin={bin_dir}
as_postgres() {{ "$@"; }}
chown() {{ :; }}
# The first port drawn is the one another server holds.
shuf() {{ printf '%s\\n' 54329 40001; }}
"""
    return subprocess.run(
        ["bash", "-c", prelude + script],
        cwd=TEMPLATE_DIR,
        env={"PATH": "/usr/bin:/bin", "CALLS": str(tmp_path / "calls")},
        capture_output=True,
        text=True,
        check=False,
    )


def test_postgres_starts_on_a_free_port(tmp_path):
    """A port another server holds is passed over for the next one."""
    result = run_with_fake_postgres(
        tmp_path, 'start_postgres\necho "$TEMPLATE_TEST_DATABASE_URL"\n'
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "postgres://postgres@127.0.0.1:40001/postgres"
    calls = (tmp_path / "calls").read_text().splitlines()
    assert calls[:2] == ["start 54329", "start 40001"]


def test_postgres_data_is_removed_even_when_stop_fails(tmp_path):
    """The exit trap removes the data folder after a failed stop, keeping the status."""
    result = run_with_fake_postgres(
        tmp_path, 'start_postgres\necho "$pg_data"\nfalse\n'
    )
    assert result.returncode == 1
    data = result.stdout.strip()
    assert data
    assert "stop" in (tmp_path / "calls").read_text().splitlines()
    assert not Path(data).exists()
