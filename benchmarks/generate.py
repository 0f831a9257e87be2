"""Write a synthetic KLIP folder: proposals, a template and a README index, messy on purpose.

    python -m benchmarks.generate DIR COUNT [--seed N]

The prose is made of invented words and sentences, so no real proposal text is needed. The
output depends only on COUNT and the seed. Files average about 16 KB (2 KB to 60 KB) and carry
the flaws real folders have: odd title forms, a BOM or CRLF now and then, misspelt or unknown
statuses, missing fields and sections, broken links, missing images and an index that disagrees.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

STATUSES = ("Proposal", "In Discussion", "Design Approved", "In Development", "Merged")
STATUS_WEIGHTS = (15, 15, 10, 10, 50)
MESSY_STATUSES = ("Discussion", "Approved", "Proposed", "In Progress", "Done", "merged")
INVALID_STATUSES = ("Parked", "WIP", "Needs Work", "Shelved")

SECTIONS = (
    "Motivation and background",
    "What is in scope",
    "What is not in scope",
    "Value/Return",
    "Public APIs",
    "Design",
    "Test plan",
    "Documentation Updates",
    "Compatibility Implications",
    "Security Implications",
)
# How much of a proposal's body each section takes, roughly.
SECTION_SHARE = (3, 2, 1, 1, 2, 8, 2, 1, 1, 1)
SECTION_VARIANTS = {
    "Motivation and background": "Motivation",
    "What is not in scope": "Out of scope",
    "Design": "Detailed Design",
    "Test plan": "Testing",
    "Security Implications": "Security",
}
GUIDANCE = {
    "Motivation and background": "Say what hurts today, for whom, and how often it comes up.",
    "What is in scope": "List what this proposal will deliver once it is done.",
    "What is not in scope": "List what is left out on purpose, and the reason for each.",
    "Value/Return": "Say who gains from the change and what they gain.",
    "Public APIs": "Show every change users will see: syntax, settings, formats, endpoints.",
    "Design": "Walk through how it works; diagrams and examples are welcome.",
    "Test plan": "Say how you will know it works, including failure and load cases.",
    "Documentation Updates": "Name the pages and examples that must change.",
    "Compatibility Implications": "Say what could break for existing users and how they upgrade.",
    "Security Implications": "Say what new risks appear and how access stays controlled.",
}


def word_list(text: str) -> tuple[str, ...]:
    return tuple(text.split())


TECH_WORDS = word_list(
    "stream table query topic partition offset window join schema record key value "
    "state store cluster node server client request response latency throughput buffer "
    "commit snapshot replica leader follower metadata config setting endpoint format "
    "serializer timestamp retention compaction index cache batch rebalance checkpoint "
    "operator plan function aggregate filter projection column row type null error limit"
)
PLAIN_WORDS = word_list(
    "the a an of to in for on with by from that this which when each every some more less "
    "we users it they can should would will may must not only also then so but and or "
    "new old first last same other simple hard easy fast slow large small often rarely "
    "make keep read write add remove change support allow avoid handle expose return build"
)
FIRST_NAMES = word_list("Ada Bo Chen Dara Emil Faye Goran Hana Ivo Jun Kira Lev Mina Noor Otto Pia")
SYLLABLES = word_list("ka lo mi ne ru sa ti vo ze bra cle dro fli gra plu stro tek vin mar dol")
CODE_LANGS = ("sql", "java", "json", "", "text")
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


class Plan(NamedTuple):
    """What is fixed about a proposal before its text is written."""

    number: int
    slug: str
    title: str


class Rendered(NamedTuple):
    """A proposal's text plus what the index and the image folder need to know of it."""

    plan: Plan
    text: str
    status: str
    release: str
    discussion: str
    images: tuple[str, ...]  # relative paths of images that should exist


class Lexicon(NamedTuple):
    """Invented words and a pool of sentences built from them, shared by every file."""

    words: tuple[str, ...]
    sentences: tuple[str, ...]


def invent_word(rng: random.Random) -> str:
    """A pronounceable word that is not English."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def build_lexicon(rng: random.Random, pool: int = 6000) -> Lexicon:
    """Words weighted towards the domain, and sentences to draw paragraphs from."""
    invented = tuple(invent_word(rng) for _ in range(400))
    words = TECH_WORDS * 3 + PLAIN_WORDS * 4 + invented
    sentences = tuple(make_sentence(rng, words) for _ in range(pool))
    return Lexicon(words, sentences)


def make_sentence(rng: random.Random, words: Sequence[str]) -> str:
    picked = rng.choices(words, k=rng.randint(6, 22))
    if rng.random() < 0.15:
        at = rng.randrange(len(picked))
        picked[at] = f"`{picked[at]}_{rng.choice(TECH_WORDS)}`"
    elif rng.random() < 0.05:
        at = rng.randrange(len(picked))
        picked[at] = f"**{picked[at]}**"
    sentence = " ".join(picked)
    return sentence[0].upper() + sentence[1:] + rng.choice("....?")


def plan_folder(count: int, rng: random.Random, lexicon: Lexicon) -> list[Plan]:
    """Numbers (with a few gaps), titles and slugs for every proposal."""
    plans = []
    number = 0
    for _ in range(count):
        number += 1 if rng.random() > 0.03 else rng.randint(2, 4)
        words = rng.choices(lexicon.words, k=rng.randint(2, 6))
        title = " ".join(w.capitalize() if len(w) > 3 else w for w in words)
        title = title[0].upper() + title[1:]
        slug = "-".join(words[: rng.randint(2, len(words))]).lower()
        plans.append(Plan(number, slug, title))
    return plans


def file_name(plan: Plan) -> str:
    return f"klip-{plan.number}-{plan.slug}.md"


def prose(rng: random.Random, lexicon: Lexicon) -> str:
    return " ".join(rng.choices(lexicon.sentences, k=rng.randint(2, 9)))


def paragraph(rng: random.Random, lexicon: Lexicon) -> str:
    return wrap(prose(rng, lexicon), rng)


def wrap(text: str, rng: random.Random) -> str:
    """Hard-wrap at a width that varies from block to block, or not at all."""
    width = rng.choice((0, 80, 100, 120))
    if not width:
        return text
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if line and len(line) + len(word) >= width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def bullets(rng: random.Random, lexicon: Lexicon) -> str:
    marker = rng.choice("-*")
    items = rng.choices(lexicon.sentences, k=rng.randint(2, 8))
    lines = [f"{marker} {item}" for item in items]
    if rng.random() < 0.2:
        lines.insert(1, f"  {marker} {rng.choice(lexicon.sentences)}")
    return "\n".join(lines)


def code_block(rng: random.Random, lexicon: Lexicon) -> str:
    lang = rng.choice(CODE_LANGS)
    name, col, other = (rng.choice(lexicon.words) for _ in range(3))
    templates = {
        "sql": (
            f"CREATE STREAM {name}_s ({col} VARCHAR KEY, {other} INT)\n"
            f"  WITH (kafka_topic='{name}', value_format='JSON');",
            f"SELECT {col}, COUNT(*) FROM {name}_s\n  WINDOW TUMBLING (SIZE 1 MINUTE)\n"
            f"  GROUP BY {col} EMIT CHANGES;",
        ),
        "java": (
            f"public interface {name.capitalize()}Store {{\n"
            f"  Optional<{other.capitalize()}> {col}(String key);\n}}",
        ),
        "json": (f'{{\n  "{col}": "{name}",\n  "{other}": {rng.randint(0, 9999)}\n}}',),
    }
    body = rng.choice(templates.get(lang, (f"{name} -> {col} -> {other}",)))
    return f"```{lang}\n{body}\n```"


def table(rng: random.Random, lexicon: Lexicon) -> str:
    columns = rng.randint(2, 4)
    header = [w.capitalize() for w in rng.choices(lexicon.words, k=columns)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * columns]
    for _ in range(rng.randint(2, 8)):
        cells = rng.choices((*lexicon.words, "yes", "no", "n/a"), k=columns)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def link_paragraph(rng: random.Random, lexicon: Lexicon, plans: Sequence[Plan]) -> str:
    """A paragraph that points at another proposal; one link in twenty is broken."""
    other = rng.choice(plans)
    target = file_name(other)
    roll = rng.random()
    if roll < 0.025:
        target = f"klip-{plans[-1].number + rng.randint(1, 50)}-{other.slug}.md"
    elif roll < 0.05:
        target = f"klip-{other.number}-{other.slug}-draft.md"
    label = rng.choice((f"KLIP-{other.number}", other.title, "this earlier proposal"))
    return wrap(f"{rng.choice(lexicon.sentences)} See [{label}]({target}) for details.", rng)


def image(rng: random.Random, plan: Plan, lexicon: Lexicon, images: list[str]) -> str:
    """An image reference; one in ten points at a file that is never written."""
    path = f"img/klip-{plan.number}-{rng.choice(lexicon.words)}-{len(images)}.png"
    if rng.random() >= 0.1:
        images.append(path)
    return f"![{rng.choice(lexicon.words)} diagram]({path})"


def block(
    rng: random.Random, lexicon: Lexicon, plans: Sequence[Plan], plan: Plan, images: list[str]
) -> str:
    roll = rng.random()
    if roll < 0.58:
        return paragraph(rng, lexicon)
    if roll < 0.74:
        return bullets(rng, lexicon)
    if roll < 0.86:
        return code_block(rng, lexicon)
    if roll < 0.90:
        return table(rng, lexicon)
    if roll < 0.97:
        return link_paragraph(rng, lexicon, plans)
    return image(rng, plan, lexicon, images)


def section_body(
    budget: int,
    rng: random.Random,
    lexicon: Lexicon,
    plans: Sequence[Plan],
    plan: Plan,
    images: list[str],
) -> list[str]:
    if budget < 400:  # a short file: a couple of sentences per section
        return [wrap(" ".join(rng.choices(lexicon.sentences, k=rng.randint(2, 3))), rng)]
    blocks: list[str] = []
    size = 0
    while size < budget:
        if size and rng.random() < 0.08:
            blocks.append(f"### {rng.choice(lexicon.sentences)[:40].rstrip('.?')}")
        text = block(rng, lexicon, plans, plan, images)
        blocks.append(text)
        size += len(text) + 2
    return blocks


def target_size(rng: random.Random) -> int:
    """A file size in bytes: log-normal around 16 KB, kept within 2 KB to 60 KB."""
    return int(min(56_000, max(2_000, rng.lognormvariate(math.log(13_200), 0.6))))


def pick_status(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.01:
        return rng.choice(INVALID_STATUSES)
    if roll < 0.08:
        return rng.choice(MESSY_STATUSES)
    return rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0]


def pick_release(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.05:
        return rng.choice(("TBD", "?", ""))
    return f"0.{rng.randint(4, 29)}.{rng.choice((0, 0, 0, 1))}"


def title_line(rng: random.Random, plan: Plan) -> str:
    roll = rng.random()
    if roll < 0.7:
        heading = f"# KLIP {plan.number} - {plan.title}"
    elif roll < 0.92:
        heading = f"# KLIP-{plan.number}: {plan.title}"
    else:
        heading = f"# KLIP-{plan.number} - {plan.title}"
    return " " * rng.randint(1, 3) + heading if rng.random() < 0.02 else heading


def field_lines(rng: random.Random, status: str, release: str, discussion: str) -> list[str]:
    """The inline metadata block; each field goes missing now and then."""
    authors = ", ".join(
        f"{rng.choice(FIRST_NAMES)} {invent_word(rng).capitalize()} (@{invent_word(rng)})"
        for _ in range(rng.choice((1, 1, 1, 2, 3)))
    )
    status_text = f"_{status}_" if rng.random() < 0.85 else status
    fields = [
        ("Author" if rng.random() < 0.9 else "Authors", authors),
        ("Release Target", release),
        ("Status", status_text),
        ("Discussion", discussion or "_link to the design discussion PR_"),
    ]
    kept = [(name, value) for name, value in fields if rng.random() >= 0.02]
    lines = [f"**{name}**: {value} |" for name, value in kept]
    if lines:
        lines[-1] = lines[-1].removesuffix(" |")
    return lines


def render_proposal(
    plan: Plan, plans: Sequence[Plan], lexicon: Lexicon, rng: random.Random
) -> Rendered:
    status, release = pick_status(rng), pick_release(rng)
    discussion = (
        f"https://github.com/example-org/stream-engine/pull/{rng.randint(1000, 9999)}"
        if rng.random() < 0.85
        else ""
    )
    parts = [title_line(rng, plan), "\n".join(field_lines(rng, status, release, discussion))]
    if rng.random() >= 0.03:
        parts.append(wrap(f"**tl;dr:** {prose(rng, lexicon)}", rng))
    images: list[str] = []
    # Each section overshoots its budget by half a block on average; leave room for that.
    budget = target_size(rng) - sum(len(p) for p in parts) - 1_500
    total_share = sum(SECTION_SHARE)
    for name, share in zip(SECTIONS, SECTION_SHARE, strict=True):
        roll = rng.random()
        if roll < 0.04:
            continue
        heading = SECTION_VARIANTS.get(name, name) if rng.random() < 0.03 else name
        parts.append(f"## {heading}")
        if roll >= 0.07:
            section_budget = budget * share // total_share
            parts.extend(section_body(section_budget, rng, lexicon, plans, plan, images))
    text = "\n\n".join(parts) + "\n"
    return Rendered(plan, text, status, release, discussion, tuple(images))


def encode(text: str, rng: random.Random) -> bytes:
    """UTF-8, with a CRLF file or a BOM now and then."""
    if rng.random() < 0.03:
        text = text.replace("\n", "\r\n")
    data = text.encode()
    return b"\xef\xbb\xbf" + data if rng.random() < 0.01 else data


def index_status(rendered: Rendered, rng: random.Random) -> str:
    """The status the README claims: usually the file's, sometimes another."""
    if rng.random() < 0.03:
        return rng.choice([s for s in STATUSES if s != rendered.status])
    return rendered.status


def index_row(rendered: Rendered, rng: random.Random) -> str:
    plan = rendered.plan
    label = f"[KLIP-{plan.number}: {plan.title}]({file_name(plan)})"
    pr = rendered.discussion.rsplit("/", 1)[-1]
    discussion = f"[#{pr}]({rendered.discussion})" if pr and rng.random() < 0.7 else ""
    status = index_status(rendered, rng)
    return f"| {label} | {status} | {rendered.release} | {discussion} |"


def render_index(proposals: Sequence[Rendered], rng: random.Random) -> str:
    """The README: a short introduction, the next number and the table (a few rows missing)."""
    next_number = proposals[-1].plan.number + 1 if proposals else 1
    rows = [index_row(r, rng) for r in proposals if rng.random() >= 0.02]
    return "\n".join(
        [
            "# Improvement Proposals",
            "",
            "Copy [the template](klip-template.md), take the next number below and open a",
            "pull request with your proposal. Keep the table in step with each file.",
            "",
            f"Next KLIP number: **{next_number}**",
            "",
            "| KLIP | Status | Release | Discussion PR |",
            "|------|--------|---------|---------------|",
            *rows,
            "",
        ]
    )


def render_template() -> str:
    """The template: the same field lines and sections, each with short italic guidance."""
    parts = [
        "# KLIP NUMBER - Title",
        "\n".join(
            [
                "**Author**: _your name and github user name here_ |",
                "**Release Target**: _release version this feature is targeted at_ |",
                "**Status**: _Proposal_ |",
                "**Discussion**: _link to the design discussion PR_",
            ]
        ),
        "**tl;dr:** _In two or three sentences: what problem, for whom, and what changes._",
    ]
    for name in SECTIONS:
        parts.extend([f"## {name}", f"_{GUIDANCE[name]}_"])
    return "\n\n".join(parts) + "\n"


def write_folder(directory: Path, count: int, seed: int = 0) -> None:
    """Write COUNT proposals, the template and the README into an empty or new DIRECTORY."""
    if directory.exists() and any(directory.iterdir()):
        raise SystemExit(f"error: {directory} is not empty; pick a new folder")
    (directory / "img").mkdir(parents=True, exist_ok=True)
    lexicon = build_lexicon(random.Random(f"lexicon:{seed}"))
    plans = plan_folder(count, random.Random(f"plans:{seed}"), lexicon)
    proposals = []
    for plan in plans:
        rng = random.Random(f"{seed}:{plan.number}")
        rendered = render_proposal(plan, plans, lexicon, rng)
        (directory / file_name(plan)).write_bytes(encode(rendered.text, rng))
        for image_path in rendered.images:
            (directory / image_path).write_bytes(PNG)
        proposals.append(rendered._replace(text=""))  # the index needs no text; keep memory flat
    (directory / "klip-template.md").write_text(render_template())
    (directory / "README.md").write_text(render_index(proposals, random.Random(f"index:{seed}")))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__)
    parser.add_argument("directory", type=Path, help="folder to create (must be new or empty)")
    parser.add_argument("count", type=int, help="how many proposals to write")
    parser.add_argument("--seed", type=int, default=0, help="same seed, same bytes (default 0)")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("COUNT must not be negative")
    write_folder(args.directory, args.count, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
