"""Write a synthetic bilingual book as a complete folio project, for the benchmark.

The book has N aligned English/Chinese paragraph pairs with a `##` heading every 40 pairs.
Sentences are drawn (seeded, so the book is the same on every run) from the seed article and
its Chinese catalog; each paragraph ends with its number so that no two units collapse.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
SEED_DOC = "shared-global-security"
DOC = "book"
PAIRS_PER_SECTION = 40
EN_WORDS = (60, 120)
ZH_CHARS = (100, 220)

# The book's front matter, with the Chinese the catalog gets for each field.
FRONT_MATTER = {
    "title": ("A Shared Future: Essays on Common Security", "共同的未来：共同安全文集"),
    "subtitle": (
        "A synthetic parallel text for the folio benchmark",
        "供 folio 基准测试使用的合成对照文本",
    ),
    "author.name": ("Folio Benchmark Editors", "folio 基准测试编辑组"),
    "author.role": ("Editors", "编者"),
    "author.affiliation": (
        "Institute for a Community with Shared Future",
        "人类命运共同体研究院",
    ),
}
DATE = "2026-01-01"


@dataclass(frozen=True)
class Pools:
    """Sentences and headings to recombine, in each language."""

    en: list[str]
    zh: list[str]
    en_headings: list[str]
    zh_headings: list[str]


@dataclass(frozen=True)
class Block:
    """One aligned unit of the book: a paragraph pair or a `##` heading pair."""

    en: str
    zh: str
    heading: bool = False


def folio_command() -> list[str]:
    """folio from this checkout's venv, else the running interpreter's."""
    script = REPO / ".venv" / "bin" / "folio"
    return [str(script)] if script.exists() else [sys.executable, "-m", "folio"]


def english_sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text) if s.strip()]


def chinese_sentences(text: str) -> list[str]:
    # A closing quotation mark after the full stop belongs to the sentence it closes.
    return [s.strip() for s in re.findall(r"[^。！？]+[。！？]”?", text) if s.strip()]


def balanced(sentence: str) -> bool:
    """Quotation marks open and close inside the sentence (the seed has one that does not)."""
    return sentence.count('"') % 2 == 0 and sentence.count("“") == sentence.count("”")


def load_pools(repo: Path = REPO) -> Pools:
    """Sentences of the seed article's paragraphs and its headings, from the zh-Hans catalog."""
    po_path = repo / "translations" / "zh-Hans" / f"{SEED_DOC}.po"
    with po_path.open("rb") as f:
        catalog = read_po(f)
    en: list[str] = []
    zh: list[str] = []
    en_headings: list[str] = []
    zh_headings: list[str] = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        if "paragraph" in message.auto_comments:
            en += [s for s in english_sentences(message.id) if balanced(s)]
            zh += [s for s in chinese_sentences(message.string) if balanced(s)]
        elif "heading" in message.auto_comments:
            en_headings.append(message.id)
            zh_headings.append(message.string)
    return Pools(sorted(set(en)), sorted(set(zh)), en_headings, zh_headings)


def words(text: str) -> int:
    return len(text.split())


def fill(
    rng: random.Random, pool: list[str], size: Callable[[str], int], low: int, high: int
) -> list[str]:
    """Distinct sentences from the pool until the paragraph reaches a random size in [low, high]."""
    target = rng.randint(low, high)
    chosen: list[str] = []
    total = 0
    while total < target:
        fitting = [s for s in pool if s not in chosen and total + size(s) <= high]
        if not fitting:
            break
        chosen.append(rng.choice(fitting))
        total += size(chosen[-1])
    return chosen


def paragraph_pair(rng: random.Random, pools: Pools, number: int) -> Block:
    """One aligned pair; the trailing number makes every paragraph unique."""
    en_mark, zh_mark = f"({number})", f"（{number}）"
    en = fill(rng, pools.en, words, EN_WORDS[0] - 1, EN_WORDS[1] - 1)
    zh = fill(rng, pools.zh, len, ZH_CHARS[0] - len(zh_mark), ZH_CHARS[1] - len(zh_mark))
    return Block(" ".join([*en, en_mark]), "".join([*zh, zh_mark]))


def heading_pair(pools: Pools, part: int) -> Block:
    index = (part - 1) % len(pools.en_headings)
    return Block(
        f"Part {part}: {pools.en_headings[index]}",
        f"第{part}部分：{pools.zh_headings[index]}",
        heading=True,
    )


def book_blocks(pairs: int, seed: int = 2026, pools: Pools | None = None) -> list[Block]:
    """The book's body: headings and paragraph pairs, in reading order."""
    pools = pools or load_pools()
    rng = random.Random(seed)
    blocks: list[Block] = []
    for number in range(1, pairs + 1):
        if (number - 1) % PAIRS_PER_SECTION == 0:
            blocks.append(heading_pair(pools, (number - 1) // PAIRS_PER_SECTION + 1))
        blocks.append(paragraph_pair(rng, pools, number))
    return blocks


def front_matter() -> str:
    """YAML front matter shaped like the seed article's."""
    en = {key: value[0] for key, value in FRONT_MATTER.items()}
    return (
        "---\n"
        f'title: "{en["title"]}"\n'
        f"subtitle: {en['subtitle']}\n"
        "author:\n"
        f"  name: {en['author.name']}\n"
        f"  role: {en['author.role']}\n"
        f"  affiliation: {en['author.affiliation']}\n"
        f"date: {DATE}\n"
        "lang: en\n"
        "---\n"
    )


def markdown(blocks: list[Block]) -> str:
    body = "\n\n".join(f"## {b.en}" if b.heading else b.en for b in blocks)
    return f"{front_matter()}\n{body}\n"


def translations(blocks: list[Block]) -> dict[str, str]:
    """msgid → msgstr for every unit of the book, front matter included."""
    mapping = {en: zh for en, zh in FRONT_MATTER.values()}
    mapping.update({b.en: b.zh for b in blocks})
    return mapping


def fill_catalog(po_path: Path, mapping: dict[str, str]) -> None:
    """Translate every entry of the catalog; an msgid the book did not write is an error."""
    with po_path.open("rb") as f:
        catalog = read_po(f)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        if message.id in mapping:
            message.string = mapping[message.id]
        else:
            missing.append(message.id)
    if missing:
        raise SystemExit(f"{len(missing)} msgids not generated by the book, e.g. {missing[0]!r}")
    with po_path.open("wb") as f:
        write_po(f, catalog, width=0)


def run_folio(project: Path, *args: str) -> None:
    subprocess.run([*folio_command(), "-C", str(project), *args], check=True, capture_output=True)


def drop_converted_languages(root: Path) -> None:
    """Leave a project one translation of each source language: the languages converted by
    OpenCC (zh-Hant) go, so that builds compare with the plain route and stay quick."""
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    table = tomllib.loads(text)["tool"]["folio"]
    converted = table.get("converted-from", {})
    kept = [lang for lang in table.get("languages", []) if lang not in converted]
    text = re.sub(r"^converted-from\s*=.*\n", "", text, flags=re.M)
    line = "languages = [" + ", ".join(f'"{lang}"' for lang in kept) + "]"
    text = re.sub(r"^languages\s*=.*$", line, text, count=1, flags=re.M)
    pyproject.write_text(text, encoding="utf-8")
    for lang in converted:
        shutil.rmtree(root / "translations" / lang, ignore_errors=True)


def generate(project: Path, pairs: int = 1200, seed: int = 2026) -> list[Block]:
    """Write the book as a folio project in `project` (an empty or missing folder)."""
    project.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "pyproject.toml", project / "pyproject.toml")
    drop_converted_languages(project)
    shutil.copytree(REPO / "templates", project / "templates", dirs_exist_ok=True)
    blocks = book_blocks(pairs, seed)
    source = project / "source" / f"{DOC}.md"
    source.parent.mkdir(exist_ok=True)
    source.write_text(markdown(blocks), encoding="utf-8")
    # folio writes the template and the catalog itself, so that they are exactly its own.
    run_folio(project, "extract")
    run_folio(project, "update")
    fill_catalog(project / "translations" / "zh-Hans" / f"{DOC}.po", translations(blocks))
    return blocks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path, help="folder to write the project into")
    parser.add_argument("--pairs", type=int, default=1200, help="paragraph pairs (default 1200)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    args = parser.parse_args(argv)
    blocks = generate(args.project, args.pairs, args.seed)
    print(f"wrote {args.project}: {sum(not b.heading for b in blocks)} pairs, {len(blocks)} units")
    return 0


if __name__ == "__main__":
    sys.exit(main())
