"""Settings from `rfcdesk.toml` or `[tool.rfcdesk]` in `pyproject.toml`.

Keys: `path` (the proposal folder, relative to the file), `scheme` (a built-in scheme's
name, a scheme file ending in `.toml` relative to the settings file, or a `[scheme]` table
that is the scheme itself), `select` and `ignore` (lists of rule-code prefixes),
`stale_days` (after how many days without a commit `stats` calls an open proposal stale),
`approvers` (who counts for approvals: a list of people, or a table of named groups),
`approvals` (a table like a scheme's: how many approvals which statuses need) and
`periods` (least days in a status before moving on, like a scheme's `workflow.periods`).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, NamedTuple

from rfcdesk.errors import FatalError

KNOWN_KEYS = frozenset(
    {"path", "scheme", "select", "ignore", "stale_days", "approvers", "approvals", "periods"}
)
DEFAULT_STALE_DAYS = 180


class Config(NamedTuple):
    folder: Path  # the proposal folder
    scheme: str | dict[str, Any] | None  # a built-in's name, a .toml file, or a scheme table
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    source: Path | None  # the file the settings came from
    stale_days: int = DEFAULT_STALE_DAYS
    scheme_at: tuple[str, ...] = ("scheme",)  # where a scheme table sits in `source`
    top: Path | None = None  # with no settings: the folder the proposals were found below
    approvers: dict[str, tuple[str, ...]] | None = None  # groups of who counts ("": the list)
    approvals: dict[str, Any] | None = None  # an approvals table over the scheme's
    periods: tuple[dict[str, Any], ...] | None = None  # periods over the scheme's


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FatalError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise FatalError(
            f"{path}:{line}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8"
        ) from None
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FatalError(f"{path}: not valid TOML: {exc}") from None
    return data


def _settings_in(directory: Path) -> tuple[Path, dict[str, Any], tuple[str, ...]] | None:
    """The settings file in a folder, its rfcdesk table, and where that table sits."""
    own = directory / "rfcdesk.toml"
    if own.is_file():
        data = _read_toml(own)
        if "rfcdesk" in data:
            return own, data["rfcdesk"], ("rfcdesk",)
        return own, data, ()
    pyproject = directory / "pyproject.toml"
    if pyproject.is_file():
        tool = _read_toml(pyproject).get("tool", {})
        if "rfcdesk" in tool:
            return pyproject, tool["rfcdesk"], ("tool", "rfcdesk")
    return None


def _codes(source: Path, data: dict[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FatalError(f'{source}: `{key}` must be a list of rule codes, like ["M", "S001"]')
    return tuple(v.strip().upper() for v in value)


def load_config(start: Path) -> Config:
    """Settings for a command run on `start`: the nearest settings file at or above it."""
    start = start.resolve()
    if not start.exists():
        raise FatalError(f"{start}: no such file or folder")
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        found = _settings_in(candidate)
        if found:
            return _config(start if start.is_dir() else directory, *found)
        if (candidate / ".git").exists():
            break
    return Config(directory, None, (), (), None)


def _config(start: Path, source: Path, data: dict[str, Any], table: tuple[str, ...]) -> Config:
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        known = ", ".join(sorted(KNOWN_KEYS))
        raise FatalError(f"{source}: unknown setting {unknown[0]!r} (known: {known})")
    folder = start
    if "path" in data:
        if not isinstance(data["path"], str):
            raise FatalError(f"{source}: `path` must be a string")
        configured = (source.parent / data["path"]).resolve()
        # The configured folder applies when the command was run on the project, not
        # when it was pointed at a folder of its own.
        if start == source.parent or start in configured.parents or start == configured:
            folder = configured
    scheme = data.get("scheme")
    if scheme is not None and not isinstance(scheme, (str, dict)):
        raise FatalError(
            f"{source}: `scheme` must be a built-in scheme's name, a .toml file, or a table"
        )
    if not folder.is_dir():
        raise FatalError(f"{source}: `path` names {folder}, which is not a folder")
    stale = data.get("stale_days", DEFAULT_STALE_DAYS)
    if not isinstance(stale, int) or isinstance(stale, bool) or stale < 1:
        raise FatalError(f"{source}: `stale_days` must be a whole number of days, like 180")
    return Config(
        folder,
        scheme,
        _codes(source, data, "select"),
        _codes(source, data, "ignore"),
        source,
        stale,
        (*table, "scheme"),
        approvers=_approvers(source, data.get("approvers")),
        approvals=_table(source, data, "approvals"),
        periods=_periods(source, data.get("periods")),
    )


def _people(source: Path, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise FatalError(f'{source}: `{key}` must be a list of names, like ["@ann", "Bo Chen"]')
    return tuple(v.strip() for v in value)


def _approvers(source: Path, value: Any) -> dict[str, tuple[str, ...]] | None:
    """Who counts: a list (the folder's approvers), or named groups of them."""
    if value is None:
        return None
    if isinstance(value, dict):
        return {str(k): _people(source, f"approvers.{k}", v) for k, v in value.items()}
    return {"": _people(source, "approvers", value)}


def _table(source: Path, data: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = data.get(key)
    if value is not None and not isinstance(value, dict):
        raise FatalError(f"{source}: `{key}` must be a table, like [{key}]")
    return value


def _periods(source: Path, value: Any) -> tuple[dict[str, Any], ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise FatalError(f"{source}: `periods` must be a list of tables, like [[periods]]")
    return tuple(value)
