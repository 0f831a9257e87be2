"""An Atom feed of new proposals and status changes, newest first."""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.etree import ElementTree as ET

from rfcdesk.history.timeline import Event
from rfcdesk.site.collect import Entry

ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 100
# Characters XML 1.0 does not allow in a document at all, escaped or not.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: str) -> str:
    """Text that keeps the feed well-formed: characters XML forbids become U+FFFD."""
    return _NOT_XML.sub("\ufffd", value)


def _summary(entry: Entry, event: Event) -> str:
    if event.kind == "created":
        status = f" as {event.after}" if event.after else ""
        return f"{entry.label} was created{status}: {entry.title}"
    return f"{entry.label} moved from {event.before or 'no status'} to {event.after or 'no status'}"


def atom(title: str, base_url: str, entries: Sequence[Entry], updated: str) -> str:
    """The feed's XML; `base_url` is where the site is published ("" for relative links)."""
    items = [
        (event, entry)
        for entry in entries
        for event in entry.events
        if event.commit and event.kind in ("created", "status")
    ]
    items.sort(key=lambda item: item[0].committed, reverse=True)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = _text(title)
    ET.SubElement(feed, f"{{{ATOM}}}id").text = (
        f"{base_url}feed.xml" if base_url else "urn:rfcdesk:feed"
    )
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = updated
    ET.SubElement(feed, f"{{{ATOM}}}link", href=f"{base_url}index.html")
    for event, entry in items[:MAX_ENTRIES]:
        item = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(item, f"{{{ATOM}}}title").text = _text(_summary(entry, event))
        ET.SubElement(item, f"{{{ATOM}}}id").text = _text(
            f"urn:rfcdesk:{event.commit}:{entry.proposal.path}:{event.kind}"
        )
        ET.SubElement(item, f"{{{ATOM}}}updated").text = event.committed
        ET.SubElement(item, f"{{{ATOM}}}link", href=f"{base_url}{entry.page}")
        author = ET.SubElement(item, f"{{{ATOM}}}author")
        ET.SubElement(author, f"{{{ATOM}}}name").text = _text(event.author)
        ET.SubElement(item, f"{{{ATOM}}}summary").text = _text(event.subject)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
