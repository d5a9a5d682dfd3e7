"""The interpreters and virtual environments the template is tested with."""

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
VENVS_DIR = Path(os.environ.get("TEMPLATE_TEST_VENVS", TEMPLATE_DIR / ".test-venvs"))
COOKIECUTTER = "cookiecutter==2.7.1"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@dataclass(frozen=True)
class Environment:
    """A virtual environment: an interpreter and what is installed into it."""

    name: str
    python_version: str
    requirements: tuple[str, ...]

    @property
    def path(self):
        return VENVS_DIR / self.name

    @property
    def python(self):
        scripts = "Scripts" if os.name == "nt" else "bin"
        return self.path / scripts / ("python.exe" if os.name == "nt" else "python")


# Cookiecutter alone, as most people install it (pipx, uvx): the offline path.
BARE = Environment("bare", "3.11", (COOKIECUTTER,))
# Cookiecutter beside Django, as on a machine that has Django for another project,
# without the other packages the project's settings load.
DJANGO_ALONE = Environment(
    "django-alone", "3.11", (COOKIECUTTER, "Django>=5.2,<5.3", "django-environ")
)


def find_python(version):
    """Return the path of a working CPython of this major.minor version, or None."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    installed = sorted(
        pyenv_root.glob(f"versions/{version}.*/bin/python{version}"),
        key=lambda path: [int(part) for part in path.parts[-3].split(".")],
    )
    # pyenv's shims are on PATH too, but fail for a version that is not selected.
    for candidate in (*map(str, reversed(installed)), shutil.which(f"python{version}")):
        if (
            candidate
            and subprocess.run([candidate, "-c", ""], check=False).returncode == 0
        ):
            return candidate
    return None


def ensure(environment):
    """Create the environment once; later calls reuse it while its inputs match."""
    stamp = environment.path / "installed.txt"
    wanted = "\n".join((environment.python_version, *environment.requirements))
    VENVS_DIR.mkdir(parents=True, exist_ok=True)
    with FileLock(str(VENVS_DIR / f"{environment.name}.lock")):
        if stamp.is_file() and stamp.read_text() == wanted:
            return environment
        python = find_python(environment.python_version)
        if python is None:
            raise LookupError(f"no Python {environment.python_version} found")
        shutil.rmtree(environment.path, ignore_errors=True)
        uv = find_uv()
        if uv:
            create_with_uv(uv, python, environment)
        else:
            create_with_pip(python, environment)
        stamp.write_text(wanted)
    return environment


def find_uv():
    """Return the uv installed beside the running Python, or on PATH, or None."""
    return shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which(
        "uv"
    )


def create_with_uv(uv, python, environment):
    """Build the environment from uv's shared cache, in seconds rather than minutes."""
    # --seed gives it pip (and setuptools before 3.12), as python -m venv does, and
    # the bytecode is written once here rather than by every process that imports.
    never_download = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    subprocess.run(
        [uv, "venv", "--quiet", "--seed", "--python", python, str(environment.path)],
        check=True,
        env=never_download,
    )
    subprocess.run(
        [
            uv,
            "pip",
            "install",
            "--quiet",
            "--compile-bytecode",
            "--python",
            str(environment.python),
            *environment.requirements,
        ],
        check=True,
        env=never_download,
    )


def create_with_pip(python, environment):
    subprocess.run([python, "-m", "venv", str(environment.path)], check=True)
    subprocess.run(
        [
            str(environment.python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            *environment.requirements,
        ],
        check=True,
    )
