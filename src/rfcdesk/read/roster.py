"""Who counts for approvals: the settings' list, else a MAINTAINERS file, else the
CODEOWNERS owners of the proposal folder, else anyone but the authors."""

from __future__ import annotations

import re
from pathlib import Path

from rfcdesk.errors import FatalError
from rfcdesk.read.approvals import ANYONE, Person, Roster, person
from rfcdesk.read.settings import Config

_MAINTAINERS = ("MAINTAINERS", "MAINTAINERS.md", "MAINTAINERS.txt", ".github/MAINTAINERS.md")
_CODEOWNERS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_PEOPLE_HINT = re.compile(r"@[\w-]+|[\w.+-]+@[\w-]+\.[\w.-]+")


def read_roster(config: Config, folder: Path, group: str | None) -> Roster:
    """The people whose approvals count for the proposals in `folder`."""
    if config.approvers is not None:
        key = group or ""
        if key not in config.approvers:
            named = ", ".join(repr(k) for k in config.approvers if k) or "none"
            raise FatalError(
                f"{config.source}: approvals count the group {key!r}, which `approvers` "
                f"does not name (groups: {named})"
            )
        return Roster(
            tuple(person(p) for p in config.approvers[key]),
            config.source.name if config.source else "the settings",
        )
    top = _top(folder)
    for directory in _upwards(folder, top):
        for name in _MAINTAINERS:
            path = directory / name
            if path.is_file():
                people = maintainers(_read(path))
                if people:
                    return Roster(people, path.relative_to(top).as_posix())
    for name in _CODEOWNERS:
        path = top / name
        if path.is_file():
            owners = codeowners(_read(path), folder.relative_to(top).as_posix())
            people = tuple(person(o) for o in owners if "/" not in o)  # teams are not expanded
            if people:
                return Roster(people, name)
    return ANYONE


def roster_files(folder: Path) -> list[tuple[str, int, int]]:
    """The files who counts may be read from, with their sizes and times: a result kept
    while they are unchanged is still true."""
    top = _top(folder)
    candidates = [d / n for d in _upwards(folder, top) for n in _MAINTAINERS]
    candidates += [top / n for n in _CODEOWNERS]
    found = []
    for path in candidates:
        try:
            stat = path.stat()
        except OSError:
            continue
        found.append((str(path), stat.st_size, stat.st_mtime_ns))
    return found


def _top(folder: Path) -> Path:
    for directory in (folder, *folder.parents):
        if (directory / ".git").exists():
            return directory
    return folder


def _upwards(folder: Path, top: Path) -> list[Path]:
    out = [folder]
    while out[-1] != top and out[-1].parent != out[-1]:
        out.append(out[-1].parent)
    return out


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8", errors="replace")
    except OSError as exc:
        raise FatalError(f"{path}: cannot read: {exc.strerror}") from None


def maintainers(text: str) -> tuple[Person, ...]:
    """The people a MAINTAINERS file lists: each line (or list item, or table row) that
    names someone by handle or e-mail; prose and headings are skipped."""
    found = []
    for line in text.splitlines():
        line = _LIST_MARK.sub("", line).strip()
        if line.startswith("|"):
            line = " ".join(c.strip() for c in line.strip("|").split("|"))
        if not line or line.startswith(("#", "<!--")) or not _PEOPLE_HINT.search(line):
            continue
        line = re.sub(r"^[A-Z]:\s*", "", line)  # the kernel's `M: Name <e-mail>`
        found.append(person(line))
    return tuple(found)


def codeowners(text: str, folder: str) -> list[str]:
    """The owners the last matching CODEOWNERS rule gives the folder's files."""
    import pathspec

    sample = f"{folder}/proposal.md" if folder not in ("", ".") else "proposal.md"
    owners: list[str] = []
    for line in text.splitlines():
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        spec = pathspec.GitIgnoreSpec.from_lines([parts[0]])
        if spec.match_file(sample):
            owners = parts[1:]
    return owners
