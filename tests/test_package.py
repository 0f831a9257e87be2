"""The package as a user gets it: `python -m build` makes an sdist and a wheel that hold the
schemes, templates and static files; the wheel, installed into a fresh virtual environment,
runs `rfcdesk` on the bundled examples without the source tree."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from rfcdesk import __version__

PACKAGE = ROOT / "src" / "rfcdesk"
KLIP = ROOT / "examples" / "klip"
# What pip says (build passes it on with -v) when the package registry cannot be reached:
# it retries a request whose connection broke before giving up.
OFFLINE = re.compile(
    r"Retrying \(Retry\(.*?connection broken by '(\w+)|NameResolutionError|NewConnectionError|"
    r"Network is unreachable|Connection refused"
)


def _run(args: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    # No PYTHONPATH: what runs is what was installed, never the source tree. A registry that
    # does not answer is given up on within a minute, not after pip's 5 retries of 3 minutes.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(PIP_DEFAULT_TIMEOUT="20", PIP_TIMEOUT="20", PIP_RETRIES="2")
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def _needs_registry(done: subprocess.CompletedProcess[str], what: str) -> None:
    """Fail on a failed step; skip, saying why, when it failed for want of the registry."""
    if done.returncode == 0:
        return
    output = done.stdout + done.stderr
    offline = OFFLINE.search(" ".join(output.split()))  # build wraps pip's lines
    if offline:
        reason = offline[1] or offline[0]
        pytest.skip(f"{what} needs the package registry, which is unreachable ({reason})")
    pytest.fail(f"{what} failed ({done.returncode}):\n{output}")


def _package_files() -> set[str]:
    """Every file of the package in the source tree, as the wheel names it."""
    return {
        p.relative_to(PACKAGE.parent).as_posix()
        for p in PACKAGE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_the_built_wheel_installs_and_runs(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = _run([sys.executable, "-m", "build", "-v", "--outdir", dist, ROOT], tmp_path)
    _needs_registry(built, "python -m build (it installs hatchling)")
    wheel = dist / f"rfcdesk-{__version__}-py3-none-any.whl"
    sdist = dist / f"rfcdesk-{__version__}.tar.gz"
    assert sorted(p.name for p in dist.iterdir()) == [wheel.name, sdist.name]

    files = _package_files()
    assert {
        "rfcdesk/py.typed",
        "rfcdesk/scheme/builtin/klip.toml",
        "rfcdesk/scheme/builtin/klip-template.md",
        "rfcdesk/scheme/builtin/rfc-template.md",
        "rfcdesk/scheme/builtin/scheme.schema.json",
        "rfcdesk/site/proposals.schema.json",
        "rfcdesk/site/templates/base.html",
        "rfcdesk/site/templates/proposal.html",
        "rfcdesk/site/static/site.css",
        "rfcdesk/site/static/site.js",
    } <= files
    with zipfile.ZipFile(wheel) as archive:
        in_wheel = {n for n in archive.namelist() if n.startswith("rfcdesk/")}
    assert in_wheel == files
    with tarfile.open(sdist) as archive:
        top = f"rfcdesk-{__version__}/"
        in_sdist = {n.removeprefix(top) for n in archive.getnames()}
    assert {f"src/{f}" for f in files} <= in_sdist
    assert {f"examples/klip/{p.name}" for p in KLIP.iterdir()} <= in_sdist

    venv = tmp_path / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", venv], tmp_path)
    assert (made.returncode, made.stderr) == (0, "")
    python = venv / "bin" / "python"
    # Not --quiet: pip names a connection failure only in its warnings.
    installed = _run([sys.executable, "-m", "pip", "--python", python, "install", wheel], tmp_path)
    _needs_registry(installed, "pip install of the wheel's dependencies")

    where = _run([python, "-c", "import rfcdesk; print(rfcdesk.__file__)"], tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(venv)
    rfcdesk = venv / "bin" / "rfcdesk"

    version = _run([rfcdesk, "--version"], tmp_path)
    assert (version.returncode, version.stdout, version.stderr) == (
        0,
        f"rfcdesk, version {__version__}\n",
        "",
    )

    checked = _run([rfcdesk, "check", KLIP], tmp_path)
    assert (checked.returncode, checked.stdout.splitlines()[-1], checked.stderr) == (
        1,
        "4 proposals checked: 9 errors, 11 warnings.",
        "",
    )

    site = tmp_path / "site"
    published = _run([rfcdesk, "build", KLIP, "-o", site], tmp_path)
    assert (published.returncode, published.stderr) == (0, "")
    assert (site / "index.html").is_file()
    proposals = sorted(p.stem for p in KLIP.glob("klip-[0-9]*.md"))
    assert sorted(p.stem for p in (site / "p").glob("*.html")) == proposals
    page = (site / "p" / "klip-1-windowed-joins.html").read_text("utf-8")
    assert "<title>KLIP-1: Windowed Joins Between Streams · KLIP proposals</title>" in page
    # The script came out of the installed package, byte for byte.
    assert (site / "assets" / "site.js").read_bytes() == (
        PACKAGE / "site" / "static" / "site.js"
    ).read_bytes()
