"""Screenshots of the site, for the README and for looking at: `make screenshots`.

    python tools/screenshots.py [OUT_DIR]
    python tools/screenshots.py --graph FOLDER NAME [OUT_DIR]

Builds the site for a git copy of examples/klip (so that history shows) and, when the
corpora are beside the project, for a clone of ksqlDB's history; serves each on loopback
and photographs the index, one proposal and the dashboard in Debian's Chromium, light and
dark. The examples' light pictures keep the names the README shows. With --graph, builds
the site of FOLDER (whose proposals name each other) and photographs its graph page, as
NAME-graph.png and NAME-graph-dark.png.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

from rfcdesk.read.folder import open_folder
from rfcdesk.read.settings import load_config
from rfcdesk.site.build import BuildOptions, build_site

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 - the tests' own browser settings


def git(cwd: Path, *args: str) -> None:
    identity = ["-c", "user.name=Grace Hopper", "-c", "user.email=grace@example.org"]
    subprocess.run(["git", *identity, *args], cwd=cwd, check=True, capture_output=True)


def example_repo(scratch: Path) -> Path:
    top = scratch / "repo"
    shutil.copytree(ROOT / "examples" / "klip", top / "klips")
    git(scratch, "init", "-q", "-b", "main", str(top))
    git(top, "add", "-A")
    git(top, "commit", "-qm", "Import the KLIPs")
    return top / "klips"


CORPORA = ROOT.parent / "shared" / "corpora"
PAGES = {"index": "index.html", "dashboard": "dashboard.html"}


def ksql_repo(scratch: Path) -> Path:
    top = scratch / "ksql"
    git(scratch, "clone", "-q", str(CORPORA / "ksql-history.bundle"), str(top))
    return top / "design-proposals"


def photograph(folder: Path, site: Path, shots: dict[str, str], out: Path) -> None:
    """Build a folder's site, serve it, and take each shot: its file name holds
    `{scheme}` (light or dark) and maps to a page of the site."""
    build_site(open_folder(load_config(folder)), BuildOptions(site))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for scheme in ("light", "dark"):
            page = browser.new_page(viewport={"width": 1400, "height": 900}, color_scheme=scheme)
            for name, url in shots.items():
                # The examples' light pictures keep the README's names (site-index.png).
                target = out / name.format(scheme=scheme).replace("-light.png", ".png")
                page.goto(base + url)
                page.screenshot(path=str(target), full_page=False)
                print(f"wrote {target}")
        browser.close()
    server.shutdown()


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rfcdesk-shots-") as tmp:
        scratch = Path(tmp)
        examples = {f"site-{n}-{{scheme}}.png": url for n, url in PAGES.items()}
        examples["site-proposal-{scheme}.png"] = "p/klip-2-schema-cache.html"
        photograph(example_repo(scratch), scratch / "site", examples, out)
        if CORPORA.is_dir():
            ksql = {f"ksql-{n}-{{scheme}}.png": url for n, url in PAGES.items()}
            ksql["ksql-proposal-{scheme}.png"] = "p/klip-15-new-api-and-client.html"
            photograph(ksql_repo(scratch), scratch / "ksql-site", ksql, out)
    return 0


def graph(folder: Path, name: str, out: Path) -> int:
    """The graph page of a folder's site, light and dark."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rfcdesk-shots-") as tmp:
        photograph(folder, Path(tmp) / "site", {f"{name}-graph-{{scheme}}.png": "graph.html"}, out)
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--graph"] and len(args) in (3, 4):
        sys.exit(graph(Path(args[1]), args[2], Path(args[3]) if len(args) == 4 else ROOT / "docs"))
    sys.exit(main(Path(args[0]) if args else ROOT / "docs"))
