"""Which URLs webhooks may go to: http(s) only, and no address inside this network unless
an admin allowed its range. Names are resolved by a stand-in resolver here (the real one is
used for `localhost`, from this machine's hosts file)."""

from __future__ import annotations

import ipaddress

import pytest

from app.webhooks.destinations import DestinationError, check, networks


def _resolving(*addresses: str):  # type: ignore[no-untyped-def]
    def resolver(host: str, port: int) -> list[str]:
        return list(addresses)

    return resolver


def test_a_public_https_endpoint_is_accepted_with_its_checked_addresses() -> None:
    found = check("https://hooks.example.com/courzly?x=1", resolver=_resolving("93.184.216.34"))
    assert (found.host, found.port, found.addresses) == (
        "hooks.example.com",
        443,
        ("93.184.216.34",),
    )
    assert check("http://hooks.example.com:8080/", resolver=_resolving("2606:4700::1")).port == 8080


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254",
        "0.0.0.0",  # noqa: S104 - an address a webhook must not reach, not a socket to bind
        "100.64.0.1", "224.0.0.1", "240.0.0.1", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1",
        "::",
        # IPv6 forms a gateway would carry to an internal IPv4 address, and old site-local.
        "64:ff9b::a00:1", "2002:a00:1::1", "2001:0:4136:e378:8000:63bf:f5ff:fffe",
        "::10.0.0.1", "fec0::1",
    ],
)  # fmt: skip
def test_addresses_inside_the_network_are_refused(address: str) -> None:
    with pytest.raises(DestinationError, match="inside this network"):
        check("https://hooks.example.com/", resolver=_resolving(address))


def test_one_internal_address_among_public_ones_is_enough_to_refuse() -> None:
    with pytest.raises(DestinationError, match=r"10\.0\.0\.5"):
        check("https://mixed.example.com/", resolver=_resolving("93.184.216.34", "10.0.0.5"))


def test_an_allowed_range_lets_its_addresses_through() -> None:
    allowed = networks("127.0.0.0/8, ::1/128")
    assert check("http://localhost:9000/hook", allowed).addresses  # the real resolver
    with pytest.raises(DestinationError):
        check("https://internal.example/", allowed, _resolving("10.0.0.1"))


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://hooks.example.com/", "starts with https://"),
        ("javascript:alert(1)", "starts with https://"),
        ("file:///etc/passwd", "starts with https://"),
        ("https:///path-only", "names a host"),
        ("https://user:pw@hooks.example.com/", "no user name or password"),
        ("https://hooks.example.com:99999/", "not a valid URL"),
        ("https://hooks.example.com/" + "a" * 2100, "at most 2048 characters"),
        ("https://hooks.example.com/a\x01b", "no spaces or control characters"),
        ("https://hooks.example.com/a b", "no spaces or control characters"),
        ("https://a..b/", "not a valid host name"),
        ("https://" + "x" * 64 + ".example/", "not a valid host name"),
    ],
)
def test_urls_that_cannot_be_webhooks_say_why(url: str, reason: str) -> None:
    with pytest.raises(DestinationError, match=reason):
        check(url, resolver=_resolving("93.184.216.34"))


def test_an_internationalised_name_travels_in_its_dns_form() -> None:
    found = check("https://bücher.example/hook", resolver=_resolving("93.184.216.34"))
    assert found.host == "xn--bcher-kva.example"


def test_a_public_ipv6_form_without_an_ipv4_inside_is_accepted() -> None:
    assert check("https://v6.example/", resolver=_resolving("2606:4700::6810:84e5")).addresses


def test_a_name_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(DestinationError, match="does not resolve"):
        check("https://nowhere.invalid/", resolver=_resolving())


def test_the_allowed_networks_setting_is_parsed_or_refused() -> None:
    assert networks("") == []
    assert networks("127.0.0.0/8") == [ipaddress.ip_network("127.0.0.0/8")]
    with pytest.raises(DestinationError, match="WEBHOOK_ALLOWED_NETWORKS"):
        networks("10.0.0.1/8")
