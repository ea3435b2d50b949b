"""Reading author-supplied YAML without trusting it.

Policy and fixture files come from people, sometimes through a web form, so the reader refuses
what a policy never needs and an attacker would use: huge files, deep nesting (stack exhaustion),
aliases (exponential "billion laughs" expansion downstream) and language-specific tags.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 32


class YamlRefused(ValueError):
    """The file is not acceptable YAML for a policy; the message says why."""


class _BoundedLoader(yaml.SafeLoader):
    """``SafeLoader`` that also refuses aliases and nesting deeper than MAX_DEPTH."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise ComposerError(None, None, "aliases (*name) are not allowed", mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise ComposerError(None, None, f"nesting is deeper than {MAX_DEPTH} levels", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_BOOL_TAG = "tag:yaml.org,2002:bool"

# YAML 1.1 reads on/off/yes/no as booleans, so `mode: off` would arrive as False. Only
# true/false are booleans here, as in YAML 1.2 (and JSON).
_BoundedLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_BoundedLoader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def parse_yaml(text: str) -> Any:
    """Parse one YAML document with the limits above."""
    try:
        # The reader refuses control characters (e.g. NUL) already when the loader is built.
        loader = _BoundedLoader(text)
    except yaml.YAMLError as exc:
        raise YamlRefused(f"invalid YAML: {_one_line(exc)}") from None
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        raise YamlRefused(f"invalid YAML: {_one_line(exc)}") from None
    except RecursionError:
        raise YamlRefused("invalid YAML: structure too deeply nested") from None
    finally:
        loader.dispose()


def read_yaml_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """Size-check, decode and parse a file; YamlRefused says what is wrong."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise YamlRefused(f"cannot read: {exc.strerror or exc}") from None
    if size > max_bytes:
        raise YamlRefused(f"file is {size} bytes; the limit is {max_bytes}")
    with path.open("rb") as handle:
        raw = handle.read(max_bytes + 1)
    if len(raw) > max_bytes:  # grew between stat and read
        raise YamlRefused(f"file is over the {max_bytes}-byte limit")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlRefused(f"not UTF-8 text (byte {exc.start})") from None
    return parse_yaml(text)


def _one_line(exc: yaml.YAMLError) -> str:
    return " ".join(str(exc).split())
