"""Shell completion: `rfcdesk completion SHELL` prints click's script, and the shell's
protocol (`_RFCDESK_COMPLETE=bash_complete` with COMP_WORDS and COMP_CWORD) completes
proposal ids and status names read from the folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_files
from support import EXAMPLES, git, repo_with, run

KLIP = EXAMPLES / "klip"
# The installed console script, as a shell runs it.
PROGRAM = Path(sys.executable).with_name("rfcdesk")
# klip-1-windowed-joins.md ... klip-4-pause-queries.md
IDS = ["1", "2", "3", "4"]
# The statuses of src/rfcdesk/scheme/builtin/klip.toml, in its order.
KLIP_STATUSES = [
    "Proposal",
    "In Discussion",
    "Design Approved",
    "In Development",
    "Merged",
    "Rejected",
    "Withdrawn",
]


def complete(words: str, cwd: Path, shell: str = "bash") -> tuple[int, str, str]:
    """What `python -m rfcdesk` answers the shell's completion function for the last word."""
    env = dict(
        os.environ,
        _RFCDESK_COMPLETE=f"{shell}_complete",
        COMP_WORDS=words,
        COMP_CWORD=str(len(words.split(" ")) - 1),
    )
    done = subprocess.run(
        [sys.executable, "-m", "rfcdesk"], cwd=cwd, env=env, capture_output=True, text=True
    )
    return done.returncode, done.stdout, done.stderr


def plain(*values: str) -> str:
    return "".join(f"plain,{v}\n" for v in values)


@pytest.mark.parametrize(
    ("shell", "first_line"),
    [
        ("bash", "_rfcdesk_completion() {"),
        ("zsh", "#compdef rfcdesk"),
        ("fish", "function _rfcdesk_completion;"),
    ],
)
def test_the_script_is_clicks_own(shell: str, first_line: str, tmp_path: Path) -> None:
    code, out = run(["completion", shell], tmp_path)
    assert (code, out.splitlines()[0]) == (0, first_line)
    # Byte for byte what click prints when the shell asks the program itself for it.
    if not PROGRAM.is_file():
        pytest.skip(f"needs the rfcdesk program beside {sys.executable}")
    env = dict(os.environ, _RFCDESK_COMPLETE=f"{shell}_source")
    source = subprocess.run([PROGRAM], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert (source.returncode, out) == (0, source.stdout)
    assert "_RFCDESK_COMPLETE=" in out


def test_an_unknown_shell_is_a_usage_error(tmp_path: Path) -> None:
    code, out = run(["completion", "tcsh"], tmp_path)
    assert code == 2
    assert out.splitlines()[-1] == (
        "Error: Invalid value for 'SHELL': 'tcsh' is not one of 'bash', 'zsh', 'fish'."
    )


@pytest.mark.parametrize("command", ["status", "show", "history"])
def test_ids_complete_from_the_folder_here(command: str) -> None:
    assert complete(f"rfcdesk {command} ", KLIP) == (0, plain(*IDS), "")


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("rfcdesk status 3", plain("3")),
        ("rfcdesk show k", plain("KLIP-1", "KLIP-2", "KLIP-3", "KLIP-4")),
        ("rfcdesk show KLIP-4", plain("KLIP-4")),
        ("rfcdesk show 7", "\n"),
        ("rfcdesk status 3 ", plain(*KLIP_STATUSES)),
        ("rfcdesk status 3 in", plain("In Discussion", "In Development")),
        ("rfcdesk status --scheme klip 3 W", plain("Withdrawn")),
        # With --all, history's first argument is a folder: the shell completes it.
        ("rfcdesk history --all ", "dir,\n"),
        # Commands and the choices of an option complete too.
        ("rfcdesk gr", plain("graph")),
        ("rfcdesk graph --format ", plain("dot", "mermaid", "json")),
    ],
)
def test_what_is_typed_narrows_the_completions(words: str, expected: str) -> None:
    assert complete(words, KLIP) == (0, expected, "")


def test_zsh_shows_each_proposals_title() -> None:
    titles = [
        "Windowed Joins Between Streams",
        "A Local Cache for Schema Lookups",
        "Tags for Persistent Queries",
        "Pausing Persistent Queries",
    ]
    expected = "".join(f"plain\n{n}\n{t}\n" for n, t in zip(IDS, titles, strict=True))
    assert complete("rfcdesk show ", KLIP, "zsh") == (0, expected, "")


def test_the_settings_name_the_folder(tmp_path: Path) -> None:
    """From the top of a repository whose rfcdesk.toml names the proposal folder."""
    top = repo_with(tmp_path, "klip").parent
    write_files(top, {"rfcdesk.toml": 'path = "proposals"\n'})
    assert complete("rfcdesk status ", top) == (0, plain(*IDS), "")
    assert complete("rfcdesk status 2 Me", top) == (0, plain("Merged"), "")


@pytest.mark.parametrize(
    "files",
    [
        {},  # no proposals: no scheme can be told
        {"rfcdesk.toml": "colour = 'blue'\n", "klip-1-a.md": "# KLIP-1: A\n"},
        {"rfcdesk.toml": "scheme = [\n"},
    ],
    ids=["empty", "unknown-setting", "broken-toml"],
)
def test_a_folder_it_cannot_read_completes_nothing(
    files: dict[str, str | bytes], tmp_path: Path
) -> None:
    folder = write_files(tmp_path / "here", files)
    git(folder.parent, "init", "-q", str(folder))
    for words in ("rfcdesk status ", "rfcdesk status 1 ", "rfcdesk show ", "rfcdesk history "):
        assert complete(words, folder) == (0, "\n", "")


def test_bash_runs_the_script_and_completes(tmp_path: Path) -> None:
    """The whole round: bash evaluates the script, Tab runs rfcdesk, COMPREPLY is filled."""
    bash = shutil.which("bash")
    if bash is None or not PROGRAM.is_file():
        pytest.skip(f"needs bash and the rfcdesk program beside {sys.executable}")
    script = (
        'eval "$(rfcdesk completion bash)"\n'
        "COMP_WORDS=(rfcdesk status 3 In); COMP_CWORD=3\n"
        "_rfcdesk_completion rfcdesk\n"
        'printf "[%s]\\n" "${COMPREPLY[@]}"\n'
    )
    env = dict(os.environ, PATH=f"{PROGRAM.parent}{os.pathsep}{os.environ['PATH']}")
    done = subprocess.run(
        [bash, "--norc", "--noprofile", "-c", script],
        cwd=KLIP,
        env=env,
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "[In Discussion]\n[In Development]\n",
        "",
    )
