"""The command line: parse arguments and dispatch to `rfcdesk.commands`. No behaviour lives here.

Each command's module is imported only when that command runs, so `rfcdesk --version` and
`rfcdesk check` never load the site stack (Jinja2, Pygments, docutils, the HTTP server).
`dispatch` is the one error boundary: every command runs through it.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO, TypeVar, cast

import click

from rfcdesk import __version__
from rfcdesk.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, FatalError, crash_log
from rfcdesk.report.formats import FORMATTERS, PrintableStream
from rfcdesk.scheme.builtin import BUILTIN_NAMES

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

Options = TypeVar("Options")

# Arguments and options several commands share, declared once.
_PATH = click.argument("path", default=".", type=click.Path(path_type=Path))
_SCHEME = click.option(
    "--scheme",
    metavar="NAME|FILE.toml",
    help=f"The scheme: {', '.join(BUILTIN_NAMES)}, or a scheme file (detected if omitted).",
)
_DRY_RUN = click.option(
    "--dry-run", is_flag=True, help="Show the changes as a diff; write nothing."
)


def _format(*choices: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
    )


def _output(help_text: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return click.option("-o", "--output", type=click.Path(path_type=Path), help=help_text)


def _asked_folder(ctx: click.Context) -> tuple[Path, str | None]:
    """The folder and scheme a command line names so far (PATH and --scheme), for Tab."""
    return Path(ctx.params.get("path") or "."), ctx.params.get("scheme")


def _complete_id(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    from rfcdesk.commands import completion

    if ctx.params.get("everything"):  # `history --all [PATH]`: the word is a folder
        return completion.folders(incomplete)
    return completion.proposal_ids(*_asked_folder(ctx), incomplete)


def _complete_status(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    from rfcdesk.commands import completion

    return completion.status_names(*_asked_folder(ctx), incomplete)


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c.strip().upper() for v in values for c in v.split(",") if c.strip())


def dispatch(
    run: Callable[[Options, TextIO], int], options: Options, long_running: bool = False
) -> NoReturn:
    """Run a command and exit with its code: the one error boundary.

    A FatalError is a message and its exit code; Ctrl-C exits 130; a closed pipe
    (`rfcdesk list | head`) ends quietly; anything else is our bug: one line on stderr,
    exit 3, and the traceback in a log file for the report. What is printed cannot drive
    the terminal (see `PrintableStream`).
    """
    out = cast(TextIO, PrintableStream(sys.stdout))
    sys.stdout, sys.stderr = out, cast(TextIO, PrintableStream(sys.stderr))
    # A command that runs once frees what it makes by reference counting; the cyclic
    # collector would only walk, over and over, the many objects read from the caches
    # (`list` of 10,000 proposals: 1.25 s with it, 0.72 s without). The server, which runs
    # for hours, keeps it.
    collecting = gc.isenabled()
    if not long_running:
        gc.disable()
    try:
        code = run(options, out)
    except FatalError as exc:
        click.echo(f"rfcdesk: {exc.message}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("rfcdesk: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        # Nothing more can be said to a reader who left; keep Python from saying it again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_OK)
    except click.exceptions.ClickException:
        raise
    except Exception as exc:
        log = crash_log(exc)
        click.echo(
            f"rfcdesk: internal error ({type(exc).__name__}: {exc}), please report it "
            f"with the log at {log}",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
    finally:
        if collecting:
            gc.enable()
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rfcdesk")
def main() -> None:
    """Run a design-proposal process (KLIPs, RFCs, PEPs, KEPs, ...) in its git repository."""


@main.command()
@click.argument("paths", nargs=-1, metavar="[PATH] [FILE]...", type=click.Path(path_type=Path))
@_SCHEME
@_format(*FORMATTERS)
@click.option(
    "--changed-since",
    metavar="REF",
    help="Report only proposals changed since REF (its merge base with HEAD), uncommitted "
    "changes included; folder-wide findings about them too.",
)
@click.option(
    "--select", multiple=True, help="Only rules whose code starts with these (comma-separated)."
)
@click.option(
    "--ignore", multiple=True, help="Skip rules whose code starts with these (comma-separated)."
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path),
    help="Hide findings recorded in this baseline file.",
)
@click.option(
    "--write-baseline",
    type=click.Path(path_type=Path),
    help="Record today's findings in this file.",
)
@click.option(
    "--no-cache", is_flag=True, help="Parse every file again instead of reusing the cache."
)
@click.option(
    "--jobs", type=click.IntRange(min=1), help="Worker processes for parsing (default: all cores)."
)
@click.option("--statistics", is_flag=True, help="Count findings per rule code after the list.")
@click.option(
    "--against",
    metavar="REF",
    help="Also report ids this branch shares with a different proposal on REF (D002).",
)
def check(
    paths: tuple[Path, ...],
    scheme: str | None,
    changed_since: str | None,
    output_format: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    baseline: Path | None,
    write_baseline: Path | None,
    no_cache: bool,
    jobs: int | None,
    statistics: bool,
    against: str | None,
) -> None:
    """Lint the proposal folder at PATH. Exit 0: no errors; 1: errors; 2: usage or config error.

    With FILEs (or --changed-since), report only what concerns those proposals; the
    folder-wide rules still read the whole folder.
    """
    from rfcdesk.commands import check as command

    options = command.Options(
        path=paths[0] if paths else Path("."),
        files=paths[1:],
        changed_since=changed_since,
        scheme=scheme,
        output_format=output_format,
        select=_codes(select),
        ignore=_codes(ignore),
        baseline=baseline,
        write_baseline=write_baseline,
        use_cache=not no_cache,
        jobs=jobs,
        statistics=statistics,
        color=sys.stdout.isatty(),
        against=against,
    )
    dispatch(command.run, options)


@main.command(name="list")
@_PATH
@_SCHEME
@click.option("--status", help="Only proposals in this status (any accepted spelling).")
@click.option("--author", help="Only proposals whose authors include this text.")
@_format("table", "json", "csv")
def list_command(
    path: Path, scheme: str | None, status: str | None, author: str | None, output_format: str
) -> None:
    """List the proposals in the folder at PATH."""
    from rfcdesk.commands import list as command

    dispatch(command.run, command.Options(path, scheme, status, author, output_format))


@main.command()
@click.argument("proposal_id", metavar="ID", shell_complete=_complete_id)
@_PATH
@_SCHEME
def show(proposal_id: str, path: Path, scheme: str | None) -> None:
    """Show one proposal's fields, sections and diagnostics (ID: 12, KLIP-12, a file name)."""
    from rfcdesk.commands import show as command

    dispatch(command.run, command.Options(proposal_id, path, scheme))


@main.command()
def rules() -> None:
    """List every rule: code, name, default severity and summary."""
    from rfcdesk.commands import rules as command

    dispatch(command.run, command.Options())


@main.command()
@click.argument("name", required=False)
@click.option("--json-schema", is_flag=True, help="Print the JSON Schema of scheme files.")
def schemes(name: str | None, json_schema: bool) -> None:
    """List the built-in schemes; with NAME, print that scheme's TOML to start your own."""
    from rfcdesk.commands import schemes as command

    dispatch(command.run, command.Options(name, json_schema))


@main.command()
@_PATH
@click.option("--dry-run", is_flag=True, help="Show rfcdesk.toml as a diff; write nothing.")
@click.option("--draft-scheme", is_flag=True, help="Infer a scheme even when a built-in one fits.")
@click.option("--replace", is_flag=True, help="Replace an existing rfcdesk.toml.")
@click.option(
    "--explain", is_flag=True, help="Say what was found below PATH and why; write nothing."
)
def init(path: Path, dry_run: bool, draft_scheme: bool, replace: bool, explain: bool) -> None:
    """Find the proposals below PATH, say how they are written, and keep it in rfcdesk.toml."""
    from rfcdesk.commands import init as command

    options = command.Options(path, dry_run, draft_scheme, replace, explain=explain)
    dispatch(command.run, options)


@main.command()
@click.argument("title")
@_PATH
@_SCHEME
@click.option("--author", help="The author (default: git config user.name).")
@click.option("--intent", is_flag=True, help="Only reserve the number in the index.")
@click.option("--draft", is_flag=True, help="An undated draft (rfc: 00000000_name.md).")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The proposal's date (default: today).",
)
@click.option("--no-branches", is_flag=True, help="Ignore numbers used on other git branches.")
@_DRY_RUN
def new(
    title: str,
    path: Path,
    scheme: str | None,
    author: str | None,
    intent: bool,
    draft: bool,
    day: dt.datetime | None,
    no_branches: bool,
    dry_run: bool,
) -> None:
    """Start a proposal: the next id, the template filled in, a row in the index."""
    from rfcdesk.commands import new as command

    options = command.Options(
        title=title,
        path=path,
        author=author,
        intent=intent,
        draft=draft,
        date=day.date() if day else None,
        dry_run=dry_run,
        scheme=scheme,
        branches=not no_branches,
    )
    dispatch(command.run, options)


@main.command()
@click.argument("proposal_id", metavar="ID", shell_complete=_complete_id)
@click.argument("new_status", metavar="NEW_STATUS", shell_complete=_complete_status)
@_PATH
@_SCHEME
@click.option(
    "--force",
    is_flag=True,
    help="Make a move the workflow, missing approvals or a review period would refuse.",
)
@click.option("--by", help="The proposal that replaces this one (for obsolete).")
@_DRY_RUN
def status(
    proposal_id: str,
    new_status: str,
    path: Path,
    scheme: str | None,
    force: bool,
    by: str | None,
    dry_run: bool,
) -> None:
    """Move a proposal to NEW_STATUS in its document and in the index."""
    from rfcdesk.commands import status as command

    options = command.Options(proposal_id, new_status, path, force, by, dry_run, scheme)
    dispatch(command.run, options)


@main.command()
@click.argument("proposal_id", metavar="ID", shell_complete=_complete_id)
@click.option("--by", "by", metavar="NAME", help="Who approves (default: git's user.name).")
@_PATH
@_SCHEME
@_DRY_RUN
def approve(
    proposal_id: str, by: str | None, path: Path, scheme: str | None, dry_run: bool
) -> None:
    """Record an approval of a proposal, in its approvals field (`Approved By`)."""
    from rfcdesk.commands import approve as command

    dispatch(command.run, command.Options(proposal_id, by, path, dry_run, scheme))


@main.command()
@_PATH
@_SCHEME
@click.option("--check", is_flag=True, help="Change nothing; exit 1 and show the diff if stale.")
@_DRY_RUN
def index(path: Path, scheme: str | None, check: bool, dry_run: bool) -> None:
    """Rewrite the index table and the next-number line from the proposal files."""
    from rfcdesk.commands import index as command

    dispatch(command.run, command.Options(path, scheme, check, dry_run))


@main.command()
@click.argument("proposal_id", metavar="ID")
@click.argument("new_id", metavar="NEW_ID")
@_PATH
@_SCHEME
@_DRY_RUN
def renumber(proposal_id: str, new_id: str, path: Path, scheme: str | None, dry_run: bool) -> None:
    """Give a proposal a new number: file, title, links and mentions follow."""
    from rfcdesk.commands import renumber as command

    dispatch(command.run, command.Options(proposal_id, new_id, path, scheme, dry_run))


@main.command()
@click.argument("proposal_id", metavar="[ID]", required=False, shell_complete=_complete_id)
@click.argument("path", metavar="[PATH]", required=False, type=click.Path(path_type=Path))
@_SCHEME
@click.option("--all", "everything", is_flag=True, help="Every proposal's events (PATH only).")
@_format("text", "json")
def history(
    proposal_id: str | None,
    path: Path | None,
    scheme: str | None,
    everything: bool,
    output_format: str,
) -> None:
    """A proposal's life from git: created, status and title changes, renames and moves.

    `rfcdesk history ID [PATH]` for one proposal; `rfcdesk history --all [PATH]` for all.
    """
    from rfcdesk.commands import history as command

    if everything:
        if path is not None:
            raise click.UsageError("with --all, give only the folder: rfcdesk history --all PATH")
        folder, wanted = Path(proposal_id) if proposal_id else Path("."), None
    elif proposal_id is None:
        raise click.UsageError("name a proposal (rfcdesk history 12) or pass --all")
    else:
        folder, wanted = path or Path("."), proposal_id
    dispatch(command.run, command.Options(wanted, folder, scheme, output_format))


@main.command()
@_PATH
@_SCHEME
@click.option(
    "--stale-days",
    type=click.IntRange(min=1),
    help="Days without a commit after which an open proposal is stale (default 180).",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Count stale days up to this date (default: today).",
)
@_format("text", "json")
def stats(
    path: Path,
    scheme: str | None,
    stale_days: int | None,
    as_of: dt.datetime | None,
    output_format: str,
) -> None:
    """Counts by status and year, days per status change, and stale open proposals.

    \b
    What each figure counts (the dashboard writes the same under its charts):
    - Created per year: proposals in the folder now, by the year of their first
      commit and their status now.
    - (created) -> X: days from a proposal's first commit to the first commit that
      shows status X, over every proposal whose creation is known and that ever
      held X; created already in X counts as 0 days.
    - A -> B: each time a proposal went straight from A to B, the days it spent in
      A (from the commit that showed A to the one that showed B).
    - Days from creation to acceptance: from the first commit to the first commit
      that shows one of the scheme's `accepted` statuses, over the proposals whose
      history shows both; created already accepted counts as 0 days. The median is
      over those proposals, one value each (the dashboard's chart).
    Medians and 90th percentiles are over the values counted in that row.
    """
    from rfcdesk.commands import stats as command

    day = as_of.date() if as_of else None
    dispatch(command.run, command.Options(path, scheme, stale_days, day, output_format))


@main.command()
@_PATH
@_SCHEME
@_output("Where to write the site (default: _site beside the folder).")
@click.option("--base-url", default="", help="Where the site is published (for the feed).")
def build(path: Path, scheme: str | None, output: Path | None, base_url: str) -> None:
    """Build the static site: index, proposal pages, dashboard, graph, search, feed, exports."""
    from rfcdesk.commands import build as command

    dispatch(command.run, command.Options(path, scheme, output, base_url))


@main.command()
@_PATH
@_SCHEME
@_format("json", "csv")
def export(path: Path, scheme: str | None, output_format: str) -> None:
    """Print every proposal as data (the JSON is proposals.json; see its JSON Schema)."""
    from rfcdesk.commands import export as command

    dispatch(command.run, command.Options(path, scheme, output_format))


@main.command()
@_PATH
@_SCHEME
@_format("dot", "mermaid", "json")
def graph(path: Path, scheme: str | None, output_format: str) -> None:
    """Print how the proposals point at each other (requires, replaces, see-also).

    \b
    dot:     rfcdesk graph | dot -Tsvg > graph.svg (Graphviz)
    mermaid: a flowchart to paste into Markdown on GitHub or GitLab
    json:    {"nodes": [...], "edges": [...]}, for tools
    """
    from rfcdesk.commands import graph as command

    dispatch(command.run, command.Options(path, scheme, output_format))


@main.command()
@_PATH
@_SCHEME
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@_output("Keep the built site here (default: a temporary folder).")
def serve(path: Path, scheme: str | None, host: str, port: int, output: Path | None) -> None:
    """Build the site, serve it, and rebuild and reload pages when a proposal changes."""
    from rfcdesk.commands import serve as command

    dispatch(command.run, command.Options(path, scheme, host, port, output), long_running=True)


@main.command()
@click.argument("shell", metavar="SHELL", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the script that completes commands, ids and statuses in SHELL.

    \b
    bash: eval "$(rfcdesk completion bash)" in ~/.bashrc
    zsh:  eval "$(rfcdesk completion zsh)" in ~/.zshrc, after compinit
    fish: rfcdesk completion fish > ~/.config/fish/completions/rfcdesk.fish
    """
    from rfcdesk.commands import completion as command

    dispatch(command.run, command.Options(shell, main))
