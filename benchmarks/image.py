"""Build a generated project's image and print its size and build times.

    python benchmarks/image.py [--choice CHOICE]

The image is built with podman on the base the template's tests use (a local
Debian trixie with Python, or TEMPLATE_TEST_PYTHON_IMAGE): once without any cached
layer, then again after a change to the code alone, which reuses the layer of
installed dependencies. The target is under 150 MB above the base.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import CHOICES, DJANGO_LINES, run_cookiecutter
from tests.environments import ensure
from tests.test_container import (
    CERTIFICATES,
    LIMITS,
    LOCAL_PYTHON_IMAGE,
    PYTHON_IMAGE,
    RUNTIME,
    make_local_python_image,
)

SIZE_ABOVE_BASE_MB = 150
TAG = "localhost/template-benchmark:latest"


def podman(*arguments):
    return subprocess.run(
        ["podman", *arguments], check=True, capture_output=True, text=True
    ).stdout.strip()


def size_mb(image):
    return int(podman("image", "inspect", "--format", "{{.Size}}", image)) / 1e6


def timed_build(project, *options):
    started = time.perf_counter()
    podman(
        "build",
        *RUNTIME,
        *LIMITS,
        *CERTIFICATES,
        "--network",
        "host",
        *options,
        f"--build-arg=PYTHON_IMAGE={PYTHON_IMAGE}",
        "--tag",
        TAG,
        str(project),
    )
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--choice", choices=CHOICES, default=CHOICES[0])
    choice = parser.parse_args().choice
    if subprocess.run(["podman", "image", "exists", PYTHON_IMAGE]).returncode != 0:
        if PYTHON_IMAGE == LOCAL_PYTHON_IMAGE:
            make_local_python_image()
        else:
            podman("pull", PYTHON_IMAGE)
    environment = ensure(DJANGO_LINES["6.1"])
    with tempfile.TemporaryDirectory(prefix="image-benchmark-") as folder:
        result = run_cookiecutter(environment, Path(folder), user_model=choice)
        assert result.returncode == 0, result.stderr
        project = Path(folder) / "my_project"
        cold = timed_build(project, "--no-cache")
        with (project / "website" / "apps.py").open("a") as module:
            module.write("# a change to the code alone\n")
        warm = timed_build(project)
    base, image = size_mb(PYTHON_IMAGE), size_mb(TAG)
    above = image - base
    holds = "holds" if above < SIZE_ABOVE_BASE_MB else "MISSED"
    print(f"Image of {choice} on {PYTHON_IMAGE}")
    print(f"{'measure':<36} {'figure':>10}  target")
    print(f"{'-' * 36} {'-' * 10}  {'-' * 20}")
    print(f"{'base image':<36} {base:7.1f} MB")
    print(f"{'project image':<36} {image:7.1f} MB")
    print(f"{'above the base':<36} {above:7.1f} MB  < {SIZE_ABOVE_BASE_MB} MB {holds}")
    print(f"{'build, no cached layer':<36} {cold:8.1f} s")
    print(f"{'build after a code change':<36} {warm:8.1f} s")
    podman("rmi", TAG)


if __name__ == "__main__":
    main()
