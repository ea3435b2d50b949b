# ruff: noqa: RUF001
from __future__ import annotations

import random

import pytest
from detect_helpers import check_result, make_item

from veracity.detect.banks import BankEntry
from veracity.detect.defaults import bare_tlds, bundled_banks
from veracity.detect.hosts import find_links, host_of_entry, host_of_url, normalise_host
from veracity.detect.url_reputation import UrlReputationDetector


def _entries(*values: str) -> list[BankEntry]:
    return [BankEntry(f"e{i}", v, label=f"lab-{v}") for i, v in enumerate(values)]


LISTS = {
    "misinfo": _entries("example.com", "fake-news.net", "bücher.de"),
    "malware": _entries("evil.net", "192.0.2.7", "2001:db8::1", "bad.co.uk"),
    "spam": _entries("promo.example.org", "EXAMPLE.com."),
    "shortener": _entries("bit.ly", "t.co"),
}


@pytest.fixture
def detector() -> UrlReputationDetector:
    return UrlReputationDetector(LISTS, bare_tlds=bare_tlds())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Example.COM", "example.com"),
        ("example.com.", "example.com"),
        ("example.com...", "example.com"),
        ("WWW.example.com", "example.com"),
        ("www.com", "www.com"),
        ("ｅｘａｍｐｌｅ．ｃｏｍ", "example.com"),
        ("example\u3002com", "example.com"),
        ("%65xample.com", "example.com"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("BÜCHER.de", "xn--bcher-kva.de"),
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
        ("пример.рф", "xn--e1afmkfd.xn--p1ai"),
        ("0x7f.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("192.0.2.7.", "192.0.2.7"),
        ("[2001:DB8:0:0::1]", "2001:db8::1"),
        ("1.2.3.256", None),
        ("1.2.3.4.5", None),
        ("a.b.c.1", None),
        ("a..b.com", None),
        ("-bad.com", None),
        ("", None),
        ("exa mple.com", None),
        ("[not-ipv6]", None),
    ],
)
def test_normalise_host(raw: str, expected: str | None) -> None:
    assert normalise_host(raw) == expected


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://user:pw@evil.net:8080/x", "evil.net"),
        ("http://bank.com@evil.net/login", "evil.net"),
        ("https://a@b@evil.net/", "evil.net"),
        ("HTTPS://WWW.EVIL.NET./path?q=1#f", "evil.net"),
        ("http://[2001:db8::1]:443/", "2001:db8::1"),
        ("http://evil.net\\@good.com/", "evil.net"),
        ("http://evil.net:notaport/", None),
        ("ftp://files.example.com", "files.example.com"),
    ],
)
def test_host_of_url(url: str, host: str | None) -> None:
    assert host_of_url(url) == host


def test_host_of_entry_accepts_urls_and_wildcards() -> None:
    assert host_of_entry("https://www.Evil.net/path") == "evil.net"
    assert host_of_entry("*.evil.net") == "evil.net"
    assert host_of_entry("evil.net/some/path") == "evil.net"
    assert host_of_entry("not a host") is None


def test_find_links_kinds_and_emails() -> None:
    text = (
        "Go to bit.ly/abc, or http://bank.com@evil.net/login. Mail bob@spam.com. "
        "Also WWW.Foo.org! Prose like log.in, e.g. file.txt and version 1.2.3 is not a link."
    )
    links = find_links(text, bare_tlds() | {"ly"})
    assert [(lk.host, lk.kind) for lk in links] == [
        ("bit.ly", "bare"),
        ("evil.net", "url"),
        ("foo.org", "www"),
    ]
    assert links[0].text == "bit.ly/abc"
    assert links[1].text == "http://bank.com@evil.net/login"
    assert text[links[2].start : links[2].end] == "WWW.Foo.org"


def test_subdomain_suffix_matching(detector: UrlReputationDetector) -> None:
    cases = {
        "see a.b.example.com now": ["misinfo", "spam"],
        "see example.com": ["misinfo", "spam"],
        "see notexample.com": [],
        "see example.com.evil.net": ["malware"],
        "see example.co": [],
        "see https://promo.example.org/x": ["misinfo", "spam"][1:],
        "see https://other.example.org/x": [],
        "see https://x.bad.co.uk/": ["malware"],
        "see https://co.uk/": [],
    }
    for text, lists in cases.items():
        for method in (detector.detect, detector.reference):
            result = method(make_item(text))
            check_result(detector, result)
            assert result.outputs["lists"] == lists, text
            assert result.outputs["listed"] is bool(lists)


@pytest.mark.parametrize(
    ("text", "domain", "lists"),
    [
        ("HTTP://EXAMPLE.COM/", "example.com", ["misinfo", "spam"]),
        ("http://example.com./x", "example.com", ["misinfo", "spam"]),
        ("http://foo@example.com:8443/x", "example.com", ["misinfo", "spam"]),
        ("http://example.com@attacker.org/", "attacker.org", []),
        ("http://evil.net:80", "evil.net", ["malware"]),
        ("https://bücher.de/shop", "xn--bcher-kva.de", ["misinfo"]),
        ("https://xn--bcher-kva.de/shop", "xn--bcher-kva.de", ["misinfo"]),
        ("http://192.0.2.7/payload", "192.0.2.7", ["malware"]),
        ("http://3221225991/payload", "192.0.2.7", ["malware"]),
        ("http://192.0.2.77/payload", "192.0.2.77", []),
        ("http://[2001:db8:0::1]/x", "2001:db8::1", ["malware"]),
        ("http://example.com.evil.net/", "example.com.evil.net", ["malware"]),
        ("http://evil.net.example.org/", "evil.net.example.org", []),
        ("ＷＷＷ．ＥＸＡＭＰＬＥ．ＣＯＭ", "example.com", ["misinfo", "spam"]),
    ],
)
def test_adversarial_hosts(
    detector: UrlReputationDetector, text: str, domain: str, lists: list[str]
) -> None:
    fast = detector.detect(make_item(f"look: {text} ok"))
    ref = detector.reference(make_item(f"look: {text} ok"))
    check_result(detector, fast)
    assert fast.outputs == ref.outputs
    assert fast.outputs["domains"] == [domain]
    assert fast.outputs["lists"] == lists
    assert fast.outputs["url_count"] == 1


def test_score_worst_list_and_evidence(detector: UrlReputationDetector) -> None:
    text = "free stuff at https://bit.ly/x and http://sub.evil.net/a and example.com, bit.ly/y"
    result = detector.detect(make_item(text))
    check_result(detector, result)
    out = result.outputs
    assert out["url_count"] == 4
    assert out["domains"] == ["bit.ly", "sub.evil.net", "example.com"]
    assert out["lists"] == ["malware", "misinfo", "shortener", "spam"]
    assert out["listed_domains"] == ["bit.ly", "example.com", "sub.evil.net"]
    assert out["worst_list"] == "malware" and out["score"] == 1.0
    hit = next(h for h in result.evidence["hits"] if h["list"] == "malware")
    assert hit == {
        "domain": "sub.evil.net",
        "matched": "evil.net",
        "list": "malware",
        "entry_id": "e0",
        "label": "lab-evil.net",
        "severity": 1.0,
    }
    assert result.evidence["severities"]["shortener"] == 0.2
    assert result.outputs == detector.reference(make_item(text)).outputs


def test_custom_severities_and_unknown_lists() -> None:
    detector = UrlReputationDetector(
        {"custom": _entries("x.com"), "spam": _entries("y.com")}, severities={"spam": 0.9}
    )
    out = detector.detect(make_item("http://x.com http://y.com")).outputs
    assert out["worst_list"] == "spam" and out["score"] == 0.9
    out = detector.detect(make_item("http://x.com")).outputs
    assert out["worst_list"] == "custom" and out["score"] == 0.5
    with pytest.raises(ValueError):
        UrlReputationDetector({}, severities={"spam": 2.0})


def test_no_links_gives_defaults(detector: UrlReputationDetector) -> None:
    for text in ("", "no links here.", "an e-mail bob@evil.net is not a link"):
        result = detector.detect(make_item(text))
        check_result(detector, result)
        assert result.outputs == {o.name: o.default for o in detector.outputs}


def test_bare_domain_under_a_listed_tld_is_recognised() -> None:
    detector = UrlReputationDetector({"spam": _entries("promo.win")}, bare_tlds=bare_tlds())
    assert detector.detect(make_item("go to promo.win now")).outputs["listed"] is True
    # "win" is not a TLD read bare by default, only because the list holds one.
    assert "win" not in bare_tlds()


def test_unusable_entries_are_skipped() -> None:
    detector = UrlReputationDetector({"spam": _entries("ok.com", "not a host", "a..b")})
    assert len(detector.entries) == 1
    assert [e for _, e in detector.skipped] == ["e1", "e2"]


def test_bundled_shorteners() -> None:
    shorteners = bundled_banks()["domains:shortener"]
    assert len(shorteners) >= 10
    detector = UrlReputationDetector({"shortener": list(shorteners)}, bare_tlds=bare_tlds())
    out = detector.detect(make_item("my site: https://tinyurl.com/abc")).outputs
    assert out["lists"] == ["shortener"]


def test_fast_equals_reference_on_random_hosts() -> None:
    rng = random.Random(5)
    alphabet = "abcdefghij"
    listed = {
        name: [BankEntry(f"{name}-{i}", _rand_host(rng, alphabet)) for i in range(60)]
        for name in ("misinfo", "spam", "malware")
    }
    detector = UrlReputationDetector(listed)
    pool = [e.value for entries in listed.values() for e in entries]
    hits = 0
    for _ in range(500):
        host = rng.choice(pool) if rng.random() < 0.7 else _rand_host(rng, alphabet)
        labels = host.split(".")
        op = rng.random()
        if op < 0.3:
            host = _rand_host(rng, alphabet, tld=False) + "." + host  # subdomain
        elif op < 0.45:
            host = "x" + host  # notexample.com style
        elif op < 0.6:
            host = host + "." + _rand_host(rng, alphabet)  # example.com.evil.net style
        elif op < 0.7:
            host = ".".join(labels[1:]) if len(labels) > 2 else host  # parent domain
        text = f"see http://{host.upper()}./path and more"
        fast = detector.detect(make_item(text))
        ref = detector.reference(make_item(text))
        assert fast.outputs == ref.outputs, host
        assert fast.evidence.get("hits") == ref.evidence.get("hits")
        hits += fast.outputs["listed"]
    assert 150 <= hits <= 450


def _rand_host(rng: random.Random, alphabet: str, tld: bool = True) -> str:
    labels = [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3)))
        for _ in range(rng.randint(1, 2))
    ]
    if tld:
        labels.append(rng.choice(["com", "net", "org"]))
    return ".".join(labels)


def test_link_count_is_capped(detector: UrlReputationDetector) -> None:
    text = " ".join(f"http://h{i}.example.org/" for i in range(700)) + " http://evil.net/"
    result = detector.detect(make_item(text))
    check_result(detector, result)
    assert result.outputs["url_count"] == 500
    assert len(result.outputs["domains"]) == 50
    assert result.evidence["links_truncated"] is True
    assert result.evidence["domains_total"] == 500
