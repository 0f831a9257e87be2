"""Screenshots of the site built from examples/klip, for the README: `make screenshots`.

    python tools/screenshots.py [OUT_DIR]

Builds the site for a git copy of examples/klip (so that history shows), serves it on
loopback and photographs the index, one proposal and the dashboard in Debian's Chromium.
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


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rfcdesk-shots-") as tmp:
        scratch = Path(tmp)
        folder = open_folder(load_config(example_repo(scratch)))
        site = scratch / "site"
        build_site(folder, BuildOptions(site))
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}/"
        shots = {
            "site-index.png": "index.html",
            "site-proposal.png": "p/klip-2-schema-cache.html",
            "site-dashboard.png": "dashboard.html",
        }
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            for name, url in shots.items():
                page.goto(base + url)
                page.screenshot(path=str(out / name), full_page=False)
                print(f"wrote {out / name}")
            browser.close()
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs"))
