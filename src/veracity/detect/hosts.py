"""Finding links in text and normalising their hosts. Nothing here touches the network.

``normalise_host`` gives one canonical ASCII form per host, the way a browser would read it:

* percent-escapes decoded, full-width and ideographic dots read as dots, NFKC and case folding
  (so full-width ``example.com`` and ``Example.COM.`` are both ``example.com``);
* trailing dots removed and one leading ``www.`` removed;
* IPv4 in any of the WHATWG URL forms (``0x7f.1``, ``2130706433``, octal ``0177.0.0.1``) becomes a
  dotted quad; IPv6 (in brackets in URLs) becomes its compressed form;
* every non-ASCII label becomes its punycode ``xn--`` form (IDNA 2003 style, via NFKC+casefold);
* anything else that cannot be a host name (empty labels, labels over 63 characters, names over
  253, characters outside ``[a-z0-9_-]`` after punycode) is rejected (``None``).

``find_links`` finds URLs with a scheme (``http``, ``https``, ``ftp``, and the defanged
``hxxp(s)``), ``www.`` names, and bare ``name.tld`` mentions whose TLD is in a given set. The
host of a URL is read after any ``user:password@`` (so ``http://bank.com@evil.net/`` is
``evil.net``) and without its port. E-mail addresses are not links.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import unquote

from veracity.detect.textnorm import WORD_CHARS

MAX_LINKS = 500  # links read from one item; the rest are not looked at
MAX_HOST_CHARS = 253
MAX_LABEL_CHARS = 63
_DOT_FORMS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": ".", "\u2024": "."})
_ASCII_LABEL_RE = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$|^[a-z0-9_]$")
_NUMERIC_PART_RE = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$")
_TRAILING_PUNCT = ".,;:!?)]}'\"»…>*"


def _ipv4_number(part: str) -> int | None:
    if part.startswith("0x"):
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part, 8) if all(c in "01234567" for c in part) else None
    return int(part)


def parse_ipv4(host: str) -> str | None:
    """WHATWG IPv4 parsing of a host whose last label is numeric; None when invalid."""
    parts = host.split(".")
    if parts and parts[-1] == "":
        parts.pop()
    if not 1 <= len(parts) <= 4 or not all(_NUMERIC_PART_RE.match(p) for p in parts):
        return None
    numbers = [_ipv4_number(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        return None
    address = values[-1]
    for i, n in enumerate(values[:-1]):
        address += n << (8 * (3 - i))
    return str(ipaddress.IPv4Address(address))


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def normalise_host(raw: str) -> str | None:
    """The canonical ASCII form of a host name or IP literal, or None if it is not one."""
    host = raw.strip()
    if "%" in host:
        host = unquote(host)
    if host.startswith("[") and host.endswith("]"):
        try:
            return ipaddress.IPv6Address(host[1:-1]).compressed
        except ValueError:
            return None
    host = unicodedata.normalize("NFKC", host.translate(_DOT_FORMS)).casefold()
    host = host.translate(_DOT_FORMS).rstrip(".")
    if not host or host.startswith("."):
        return None
    if ":" in host:  # a bare IPv6 literal (list entries are written without brackets)
        try:
            return ipaddress.IPv6Address(host).compressed
        except ValueError:
            return None
    last = host.rsplit(".", 1)[-1]
    if _NUMERIC_PART_RE.match(last):
        return parse_ipv4(host)
    if host.startswith("www.") and "." in host[4:]:
        host = host[4:]
    labels = host.split(".")
    out = []
    for label in labels:
        if not label.isascii():
            try:
                label = "xn--" + label.encode("punycode").decode("ascii")
            except UnicodeError:
                return None
        if len(label) > MAX_LABEL_CHARS or not _ASCII_LABEL_RE.match(label):
            return None
        out.append(label)
    result = ".".join(out)
    return result if len(result) <= MAX_HOST_CHARS else None


def host_of_url(url: str) -> str | None:
    """Normalised host of an absolute URL (``scheme://[user@]host[:port]/...``)."""
    rest = url.split("://", 1)[1] if "://" in url else url
    authority = re.split(r"[/?#\\]", rest, maxsplit=1)[0]
    host = authority.rsplit("@", 1)[-1]
    if host.startswith("["):
        end = host.find("]")
        return normalise_host(host[: end + 1]) if end > 0 else None
    if ":" in host:
        host, port = host.rsplit(":", 1)
        if port and not port.isdigit():
            return None
    return normalise_host(host)


def host_of_entry(value: str) -> str | None:
    """A list entry: a host name, ``*.host``, an IP, or a URL whose host is meant."""
    value = value.strip()
    if "://" in value:
        return host_of_url(value)
    if value.startswith("*."):
        value = value[2:]
    return normalise_host(value.split("/", 1)[0])


@dataclass(frozen=True)
class Link:
    text: str  # as written, trailing punctuation removed
    host: str  # normalised
    kind: str  # "url" (scheme), "www" or "bare"
    start: int
    end: int


def _link_regex(word: str) -> re.Pattern[str]:
    label = f"[{word}-]+"
    return re.compile(
        r"(?P<url>\b(?:https?|hxxps?|ftp)://[^\s<>\"'`]+)"
        rf"|(?<![{word}@.\-])(?P<host>(?:{label}\.)+{label}\.?)"
        r"(?P<port>:[0-9]{1,5})?(?P<path>[/?#][^\s<>\"'`]*)?",
        re.IGNORECASE,
    )


_LINK_RE_ASCII = _link_regex(r"\w")
_LINK_RE = _link_regex(WORD_CHARS)


def find_links(text: str, bare_tlds: Collection[str], limit: int = MAX_LINKS) -> list[Link]:
    """The links in ``text`` in order, at most ``limit``. ``bare_tlds``: TLDs (ASCII, lowercase)
    under which a bare ``name.tld`` counts as a domain; ``www.`` names and URLs count whatever
    their TLD."""
    text = text.translate(_DOT_FORMS)
    if "." not in text and "://" not in text:
        return []
    pattern = _LINK_RE_ASCII if text.isascii() else _LINK_RE
    links: list[Link] = []
    for m in pattern.finditer(text):
        if m.group("url"):
            raw = m.group("url").rstrip(_TRAILING_PUNCT)
            host = host_of_url(raw)
            if host:
                links.append(Link(raw, host, "url", m.start(), m.start() + len(raw)))
                if len(links) >= limit:
                    break
            continue
        name = m.group("host")
        host = normalise_host(name)
        if host is None:
            continue
        if name.lower().startswith("www."):
            kind = "www"
        elif host.rsplit(".", 1)[-1] in bare_tlds and "." in host:
            kind = "bare"
        else:
            continue
        raw = m.group(0).rstrip(_TRAILING_PUNCT)
        links.append(Link(raw, host, kind, m.start(), m.start() + len(raw)))
        if len(links) >= limit:
            break
    return links
