"""YAML as folio reads it (front matter, brand.yaml): safe tags only, and bounded.

PyYAML's safe loader still expands aliases without limit (a "billion laughs" takes minutes and
gigabytes) and composes nested collections recursively (deep nesting is a RecursionError).
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.error import MarkedYAMLError
from yaml.nodes import MappingNode, Node, SequenceNode

MAX_SIZE = 100_000  # characters: far more than any front matter or brand file needs
MAX_DEPTH = 20  # nested collections
MAX_VALUES = 10_000  # values once every alias is expanded


class LimitError(MarkedYAMLError):
    """YAML over one of folio's limits (a YAMLError: reported like a syntax error)."""


class _Loader(yaml.SafeLoader):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: Node | None, index: object) -> Node:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise LimitError(problem=f"nested more than {MAX_DEPTH} levels", problem_mark=mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_document(self, node: Node) -> Any:
        if expanded_size(node) > MAX_VALUES:
            raise LimitError(
                problem=f"aliases expand to more than {MAX_VALUES:,} values",
                problem_mark=node.start_mark,
            )
        return super().construct_document(node)


def expanded_size(root: Node) -> int:
    """How many values a node stands for once every alias is expanded (more than MAX_VALUES
    for a node that contains itself). Without recursion: aliases can chain deeply."""
    sizes: dict[int, int] = {}
    stack: list[tuple[Node, bool]] = [(root, False)]
    visiting: set[int] = set()
    while stack:
        node, children_done = stack.pop()
        if children_done:
            total = 1 + sum(sizes[id(child)] for child in children(node))
            sizes[id(node)] = min(total, MAX_VALUES + 1)
            visiting.discard(id(node))
            continue
        if id(node) in sizes:
            continue
        if id(node) in visiting:
            return MAX_VALUES + 1  # it contains itself
        visiting.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in children(node) if id(child) not in sizes)
    return sizes[id(root)]


def children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [child for pair in node.value for child in pair]
    return []


def load(text: str) -> Any:
    """The YAML value of `text`; a YAMLError for bad syntax, unsafe tags or a limit passed."""
    if len(text) > MAX_SIZE:
        raise LimitError(problem=f"longer than {MAX_SIZE:,} characters")
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
