"""The set-ups of docs/ci.md, run as written, each in a git repository built here around a
KLIP folder with an old problem (KLIP-1 links to a KLIP-3 that is gone): the pre-commit
configuration through the real pre-commit and a `git commit`, the published hooks
(.pre-commit-hooks.yaml) through pre-commit, the GitHub Action's `run:` steps in bash with the
workflow's inputs, and the GitLab job's `script:` lines in bash. `rfcdesk` on their PATH is
the one under test (this interpreter's), so nothing is installed and nothing is fetched."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml

from conftest import ROOT

DOCS = ROOT / "docs" / "ci.md"
KLIP = ROOT / "examples" / "klip"
FOLDER = "docs/proposals"
KLIP_1 = "klip-1-windowed-joins.md"
KLIP_2 = "klip-2-pause-queries.md"
STATUSES = "Proposal, In Discussion, Design Approved, In Development, Merged, Rejected, Withdrawn"
LEGACY = (
    f"{FOLDER}/{KLIP_1}:37:1: L001 link to `klip-3-query-tags.md` leads nowhere: "
    "`klip-3-query-tags.md` does not exist [broken-link]"
)
# The index as `rfcdesk index` writes it for KLIP-1 alone.
README = """# Improvement Proposals

Write a proposal from [the template](klip-template.md), claim the next number in the
table below, and open a pull request. Run `rfcdesk check` before you push.

Next KLIP number: **2**

<!-- rfcdesk:index:start - written by `rfcdesk index`; edit the proposals, not this -->

| KLIP                                                               | Status | Release | Discussion PR                                |
|--------------------------------------------------------------------|--------|---------|----------------------------------------------|
| [KLIP-1: Windowed Joins Between Streams](klip-1-windowed-joins.md) | Merged | 0.4.0   | [#101](https://example.org/tracker/pull/101) |

<!-- rfcdesk:index:end -->
"""
# What `rfcdesk check` says of KLIP-2 written with a status the scheme does not know and
# without a row in the index.
BAD_KLIP_2 = [
    f"{FOLDER}/README.md:6:21: I005 next number is 2, but KLIP-2 is already used ({KLIP_2}); the next free number is 3 [index-next-number]",
    f"{FOLDER}/README.md:10:1: I001 KLIP-2 ({KLIP_2}) has no row in the index [index-missing-row]",
    f"{FOLDER}/{KLIP_2}:5:13: M010 `Almost done` is not a klip status; use one of: {STATUSES} [invalid-status]",
]
# A diff's context lines begin with a space, blank ones too.
STALE_INDEX = "\n".join(
    [
        "--- a/README.md",
        "+++ b/README.md",
        "@@ -3,12 +3,13 @@",
        " Write a proposal from [the template](klip-template.md), claim the next number in the",
        " table below, and open a pull request. Run `rfcdesk check` before you push.",
        " ",
        "-Next KLIP number: **2**",
        "+Next KLIP number: **3**",
        " ",
        " <!-- rfcdesk:index:start - written by `rfcdesk index`; edit the proposals, not this -->",
        " ",
        " | KLIP                                                               | Status | Release | Discussion PR                                |",
        " |--------------------------------------------------------------------|--------|---------|----------------------------------------------|",
        " | [KLIP-1: Windowed Joins Between Streams](klip-1-windowed-joins.md) | Merged | 0.4.0   | [#101](https://example.org/tracker/pull/101) |",
        "+| [KLIP-2: Pausing Persistent Queries](klip-2-pause-queries.md)      |        | 0.4.0   | https://example.org/tracker/pull/102         |",
        " ",
        " <!-- rfcdesk:index:end -->",
        "README.md is out of date: run `rfcdesk index` to rewrite it",
        "",
    ]
)
# What pre-commit prints when both hooks fail on the bad KLIP-2.
HOOKS_FAIL = (
    "rfcdesk check............................................................Failed\n"
    "- hook id: rfcdesk-check\n"
    "- exit code: 1\n"
    "\n" + "\n".join(BAD_KLIP_2) + "\n"
    "1 proposal checked: 3 errors, 0 warnings.\n"
    "\n"
    "rfcdesk index............................................................Failed\n"
    "- hook id: rfcdesk-index\n"
    "- exit code: 1\n"
    "\n" + STALE_INDEX + "\n"
)
HOOKS_PASS = (
    "rfcdesk check............................................................Passed\n"
    "rfcdesk index............................................................Passed\n"
)


def snippet(name: str) -> str:
    """The fenced block of docs/ci.md after `<!-- ci.md: NAME -->`."""
    found = re.findall(
        rf"^<!-- ci\.md: {re.escape(name)} -->\n```\w+\n(.*?)^```$",
        DOCS.read_text("utf-8"),
        re.M | re.S,
    )
    assert len(found) == 1, f"docs/ci.md has {len(found)} blocks marked {name!r}"
    return str(found[0])


def _replaced(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


def klip_2(status: str) -> str:
    """KLIP-2, written like KLIP-1 (without its dead link), in the given status."""
    text = (KLIP / KLIP_1).read_text("utf-8")
    text = _replaced(
        text, "KLIP 1 - Windowed Joins Between Streams", "KLIP 2 - Pausing Persistent Queries"
    )
    text = _replaced(text, "_Merged_", f"_{status}_")
    text = _replaced(text, "pull/101", "pull/102")
    return _replaced(
        text,
        " See also\n[the tagging proposal](klip-3-query-tags.md) for how queries are labelled.",
        "",
    )


class Shell(NamedTuple):
    """Runs commands as a CI job or a developer would, with the rfcdesk under test on PATH."""

    env: dict[str, str]

    def __call__(
        self, cwd: Path, *args: str | Path, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(a) for a in args],
            cwd=cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if check and done.returncode:
            pytest.fail(f"{args} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        return done

    def git(self, cwd: Path, *args: str) -> str:
        return self(cwd, "git", *args).stdout


@pytest.fixture
def sh(tmp_path: Path) -> Shell:
    """A clean environment: no git or pre-commit settings of the developer's, pre-commit's
    store under tmp_path, a test identity, and `rfcdesk` running this interpreter."""
    tools = tmp_path / "bin"
    tools.mkdir()
    shim = tools / "rfcdesk"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m rfcdesk "$@"\n', "utf-8")
    shim.chmod(0o755)
    (tmp_path / "gitconfig").write_text("", "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        PATH=f"{tools}{os.pathsep}{env.get('PATH', '')}",
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        GIT_CONFIG_GLOBAL=str(tmp_path / "gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Grace Hopper",
        GIT_AUTHOR_EMAIL="grace@example.org",
        GIT_COMMITTER_NAME="Grace Hopper",
        GIT_COMMITTER_EMAIL="grace@example.org",
    )
    return Shell(env)


@pytest.fixture
def origin(tmp_path: Path, sh: Shell) -> Path:
    """A repository whose `main` holds docs/proposals: KLIP-1 (with its dead link), the
    template, and the index."""
    top = tmp_path / "origin"
    folder = top / FOLDER
    folder.mkdir(parents=True)
    for name in (KLIP_1, "klip-template.md"):
        shutil.copy(KLIP / name, folder / name)
    (folder / "README.md").write_text(README, "utf-8")
    sh.git(tmp_path, "init", "-q", "-b", "main", str(top))
    sh.git(top, "add", "-A")
    sh.git(top, "commit", "-qm", "KLIP-1")
    done = sh(top, "rfcdesk", "check", FOLDER, check=False)
    assert (done.returncode, done.stdout) == (
        1,
        f"{LEGACY}\n1 proposal checked: 1 error, 0 warnings.\n",
    )
    done = sh(top, "rfcdesk", "index", "--check", FOLDER)
    assert done.stdout == "README.md is up to date\n"
    return top


# pre-commit


def test_pre_commit_stops_a_commit_with_a_bad_proposal(origin: Path, sh: Shell) -> None:
    (origin / ".pre-commit-config.yaml").write_text(snippet("pre-commit"), "utf-8")
    sh.git(origin, "add", ".pre-commit-config.yaml")
    sh.git(origin, "commit", "-qm", "pre-commit")
    done = sh(origin, sys.executable, "-m", "pre_commit", "install")
    assert done.stdout == "pre-commit installed at .git/hooks/pre-commit\n"

    (origin / FOLDER / KLIP_2).write_text(klip_2("Almost done"), "utf-8")
    sh.git(origin, "add", f"{FOLDER}/{KLIP_2}")
    done = sh(origin, "git", "commit", "-m", "KLIP-2: Pausing Persistent Queries", check=False)
    # git gives a hook's output to stderr; KLIP-1's old problem is not the commit's business.
    assert (done.returncode, done.stdout, done.stderr) == (1, "", HOOKS_FAIL)
    assert sh.git(origin, "log", "--format=%s") == "pre-commit\nKLIP-1\n"
    shown = '$ git commit -m "KLIP-2: Pausing Persistent Queries"\n' + done.stderr
    assert snippet("pre-commit-output") == shown

    (origin / FOLDER / KLIP_2).write_text(klip_2("Proposal"), "utf-8")
    assert sh(origin, "rfcdesk", "index", FOLDER).stdout == "wrote README.md\n"
    sh.git(origin, "add", FOLDER)
    done = sh(origin, "git", "commit", "-qm", "KLIP-2: Pausing Persistent Queries", check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", HOOKS_PASS)
    assert sh.git(origin, "log", "--format=%s") == (
        "KLIP-2: Pausing Persistent Queries\npre-commit\nKLIP-1\n"
    )


def test_published_hooks_run_like_the_documented_ones(
    origin: Path, sh: Shell, tmp_path: Path
) -> None:
    """The hooks of .pre-commit-hooks.yaml from a repository, with their default args (`.`)
    and an rfcdesk.toml naming the folder. `language: system` keeps pre-commit from building
    a virtualenv and installing rfcdesk and its dependencies from the package registry:
    everything else (entry, args, passing files) is the manifest's."""
    hooks = tmp_path / "rfcdesk-hooks"
    hooks.mkdir()
    shutil.copy(ROOT / ".pre-commit-hooks.yaml", hooks)
    sh.git(tmp_path, "init", "-q", "-b", "main", str(hooks))
    sh.git(hooks, "add", "-A")
    sh.git(hooks, "commit", "-qm", "hooks")
    rev = sh.git(hooks, "rev-parse", "HEAD").strip()
    config = {
        "repos": [
            {
                "repo": str(hooks),
                "rev": rev,
                "hooks": [
                    {"id": "rfcdesk-check", "language": "system"},
                    {"id": "rfcdesk-index", "language": "system"},
                ],
            }
        ]
    }
    (origin / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), "utf-8")
    (origin / "rfcdesk.toml").write_text(f'path = "{FOLDER}"\n', "utf-8")
    (origin / FOLDER / KLIP_2).write_text(klip_2("Almost done"), "utf-8")
    # rfcdesk.toml and the config are staged too: outside the folder, rfcdesk ignores them.
    sh.git(origin, "add", "-A")
    done = sh(origin, sys.executable, "-m", "pre_commit", "run", check=False)
    initialising = f"[INFO] Initializing environment for {hooks}.\n"
    assert (done.returncode, done.stdout, done.stderr) == (1, initialising + HOOKS_FAIL, "")


# GitHub Actions


def _expression(text: str, context: Mapping[str, Mapping[str, str]]) -> str | bool:
    """The few expressions action.yml writes: `inputs.NAME`, `github.NAME`, `X != ''`."""
    compared = re.fullmatch(r"(\S+) != ''", text)
    if compared:
        return _expression(compared[1], context) != ""
    scope, _, name = text.partition(".")
    return context[scope][name]


def _substituted(value: str, context: Mapping[str, Mapping[str, str]]) -> str:
    return re.sub(r"\$\{\{\s*(.*?)\s*\}\}", lambda m: str(_expression(m[1], context)), value)


class Step(NamedTuple):
    id: str
    returncode: int
    stdout: str
    stderr: str


def run_action(
    workspace: Path, sh: Shell, given: Mapping[str, str], base_ref: str
) -> tuple[list[str], list[Step]]:
    """The action's `run:` steps in bash, as a runner runs them (`bash --noprofile --norc -eo
    pipefail`, in the workspace, until one fails). Skipped: the `uses:` steps and `install`,
    which would pip-install rfcdesk where the rfcdesk under test already is."""
    action: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
    declared = action["inputs"]
    assert set(given) <= set(declared), (
        f"inputs action.yml does not declare: {set(given) - set(declared)}"
    )
    inputs = {name: str(given.get(name, spec["default"])) for name, spec in declared.items()}
    context = {"inputs": inputs, "github": {"base_ref": base_ref, "action_path": str(ROOT)}}
    skipped, ran = [], []
    for number, step in enumerate(action["runs"]["steps"]):
        if "uses" in step:
            skipped.append(step["uses"])
            continue
        if step["id"] == "install":
            skipped.append(step["id"])
            continue
        condition = step.get("if")
        if condition is not None and not _expression(condition, context):
            skipped.append(step["id"])
            continue
        assert step["shell"] == "bash"
        script = workspace.parent / f"step-{number}.sh"
        script.write_text(step["run"], "utf-8")
        env = {k: _substituted(str(v), context) for k, v in step.get("env", {}).items()}
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workspace,
            env={**sh.env, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        ran.append(Step(step["id"], done.returncode, done.stdout, done.stderr))
        if done.returncode:
            break
    return skipped, ran


def action_inputs() -> dict[str, str]:
    """The `with:` of the rfcdesk step of the documented workflow; the workflow's other steps
    are what the action needs around it."""
    workflow: dict[str, Any] = yaml.safe_load(snippet("github-workflow"))
    steps = workflow["jobs"]["rfcdesk"]["steps"]
    assert steps[0] == {"uses": "actions/checkout@v6", "with": {"fetch-depth": 0}}
    assert steps[1]["uses"].split("@")[0].endswith("/rfcdesk")
    given: dict[str, str] = steps[1]["with"]
    assert steps[2]["uses"] == "github/codeql-action/upload-sarif@v4"
    assert steps[2]["with"]["sarif_file"] == given["sarif"]
    return given


def annotation(level: str, path: str, line: int, col: int, rule: str, message: str) -> str:
    return f"::{level} file={path},line={line},col={col},title={rule}::{message}"


PR_ANNOTATIONS = [
    annotation(
        "error",
        f"{FOLDER}/README.md",
        6,
        21,
        "I005 index-next-number",
        f"next number is 2, but KLIP-2 is already used ({KLIP_2}); the next free number is 3",
    ),
    annotation(
        "error",
        f"{FOLDER}/README.md",
        10,
        1,
        "I001 index-missing-row",
        f"KLIP-2 ({KLIP_2}) has no row in the index",
    ),
    annotation(
        "error",
        f"{FOLDER}/{KLIP_2}",
        5,
        13,
        "M010 invalid-status",
        f"`Almost done` is not a klip status; use one of: {STATUSES}",
    ),
    "1 proposal checked: 3 errors, 0 warnings.",
]


@pytest.fixture
def pull_request(origin: Path, sh: Shell, tmp_path: Path) -> Path:
    """A runner's checkout of a pull request that adds a bad KLIP-2, made after `main` moved
    on (KLIP-1's release became TBD, a warning): GitHub's merge commit, detached, with every
    branch of origin fetched (`fetch-depth: 0`)."""
    sh.git(origin, "checkout", "-qb", "klip-2")
    (origin / FOLDER / KLIP_2).write_text(klip_2("Almost done"), "utf-8")
    sh.git(origin, "add", "-A")
    sh.git(origin, "commit", "-qm", "KLIP-2")
    sh.git(origin, "checkout", "-q", "main")
    doc = origin / FOLDER / KLIP_1
    doc.write_text(
        _replaced(doc.read_text("utf-8"), "**Release Target**: 0.4.0", "**Release Target**: TBD"),
        "utf-8",
    )
    sh.git(origin, "commit", "-qam", "KLIP-1: release not decided")
    workspace = tmp_path / "workspace"
    sh.git(tmp_path, "clone", "-q", str(origin), str(workspace))
    sh.git(workspace, "checkout", "-q", "--detach", "origin/main")
    sh.git(workspace, "merge", "-q", "--no-ff", "-m", "Merge klip-2 into main", "origin/klip-2")
    return workspace


def test_action_annotates_what_a_pull_request_changes(pull_request: Path, sh: Shell) -> None:
    given = action_inputs()
    del given["sarif"]  # test_action_writes_sarif_of_the_whole_folder
    skipped, ran = run_action(pull_request, sh, given, base_ref="main")
    assert skipped == ["actions/setup-python@v6", "install", "sarif"]
    assert ran == [Step("check", 1, "\n".join(PR_ANNOTATIONS) + "\n", "")]


def test_action_without_the_base_branch_stops(pull_request: Path, sh: Shell) -> None:
    # actions/checkout without `fetch-depth: 0` fetches the merge commit alone.
    sh.git(pull_request, "update-ref", "-d", "refs/remotes/origin/main")
    _skipped, ran = run_action(pull_request, sh, {"path": FOLDER}, base_ref="main")
    stopped = "rfcdesk: --changed-since origin/main: no such branch, tag or commit\n"
    assert ran == [Step("check", 2, "", stopped)]


def test_action_writes_sarif_of_the_whole_folder(pull_request: Path, sh: Shell) -> None:
    given = action_inputs()
    skipped, ran = run_action(pull_request, sh, given, base_ref="main")
    assert skipped == ["actions/setup-python@v6", "install"]
    assert ran == [Step("sarif", 0, "", ""), Step("check", 1, "\n".join(PR_ANNOTATIONS) + "\n", "")]
    sarif = json.loads((pull_request / given["sarif"]).read_text("utf-8"))
    results = [
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for run in sarif["runs"]
        for r in run["results"]
    ]
    # Every finding of the folder: KLIP-1's too, which the annotations leave out.
    assert sorted(results) == [
        ("I001", f"{FOLDER}/README.md", 10),
        ("I005", f"{FOLDER}/README.md", 6),
        ("L001", f"{FOLDER}/{KLIP_1}", 37),
        ("M003", f"{FOLDER}/{KLIP_1}", 4),
        ("M010", f"{FOLDER}/{KLIP_2}", 5),
    ]


def test_action_on_a_push_checks_everything_but_the_baseline(pull_request: Path, sh: Shell) -> None:
    # What `rfcdesk check --write-baseline` recorded on main before the merge: KLIP-1's link.
    baseline = pull_request.parent / "baseline.json"
    sh(
        pull_request.parent / "origin",
        "rfcdesk",
        "check",
        FOLDER,
        "--write-baseline",
        baseline,
        "--select",
        "L",
    )
    given = {"path": FOLDER, "baseline": str(baseline)}
    skipped, ran = run_action(pull_request, sh, given, base_ref="")
    assert skipped == ["actions/setup-python@v6", "install", "sarif"]
    undecided = annotation(
        "warning",
        f"{FOLDER}/{KLIP_1}",
        4,
        21,
        "M003 undecided-field",
        "`Release Target` is `TBD`: not decided yet",
    )
    lines = [
        *PR_ANNOTATIONS[:2],
        undecided,
        PR_ANNOTATIONS[2],
        "2 proposals checked: 3 errors, 1 warning (1 known from the baseline not shown).",
    ]
    assert ran == [Step("check", 1, "\n".join(lines) + "\n", "")]


# GitLab CI


def test_gitlab_job_in_a_merge_request(origin: Path, sh: Shell, tmp_path: Path) -> None:
    """The job's script in a merge request pipeline: the source branch checked out, detached,
    and CI_MERGE_REQUEST_DIFF_BASE_SHA where it left main."""
    job = yaml.safe_load(snippet("gitlab-ci"))["rfcdesk"]
    assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    base = sh.git(origin, "rev-parse", "HEAD").strip()
    sh.git(origin, "checkout", "-qb", "klip-2")
    (origin / FOLDER / KLIP_2).write_text(klip_2("Almost done"), "utf-8")
    sh.git(origin, "add", "-A")
    sh.git(origin, "commit", "-qm", "KLIP-2")
    sh.git(origin, "checkout", "-q", "--detach")
    script = tmp_path / "job.sh"
    script.write_text("set -eo pipefail\n" + "\n".join(job["script"]) + "\n", "utf-8")
    env = {**sh.env, "CI_MERGE_REQUEST_DIFF_BASE_SHA": base}
    done = subprocess.run(
        ["bash", str(script)], cwd=origin, env=env, capture_output=True, text=True, timeout=60
    )
    summary = "1 proposal checked: 3 errors, 0 warnings."
    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        "\n".join([*BAD_KLIP_2, summary]) + "\n",
        "",
    )
    report = json.loads((origin / "gl-code-quality-report.json").read_text("utf-8"))
    # Every finding of the folder, for GitLab to compare with main's.
    assert sorted((f["location"]["path"], f["location"]["lines"]["begin"]) for f in report) == [
        (f"{FOLDER}/README.md", 6),
        (f"{FOLDER}/README.md", 10),
        (f"{FOLDER}/{KLIP_1}", 37),
        (f"{FOLDER}/{KLIP_2}", 5),
    ]
    assert len({f["fingerprint"] for f in report}) == len(report)
