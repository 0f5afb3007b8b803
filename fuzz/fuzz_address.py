"""atheris target: URL normalisation and the address policy.

Run with `make fuzz` (not part of `make test`). Invariants: ``normalize_url`` either raises a
FetchError or returns an http(s) URL with a canonical host; an IP-literal host that the policy
calls public is really global; and a fetch of a non-public literal is refused without connecting.
"""

from __future__ import annotations

import ipaddress
import sys

import atheris

with atheris.instrument_imports():
    from broadsheet.fetch import AddressNotAllowed, FetchError, FetchOptions, fetch
    from broadsheet.fetch.address import is_public_address
    from broadsheet.fetch.url import normalize_url

OPTIONS = FetchOptions(deadline=1)


def test_one_input(data: bytes) -> None:
    raw = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(200)
    for candidate in (raw, f"http://{raw}/", f"http://[{raw}]/"):
        try:
            url = normalize_url(candidate)
        except FetchError:
            continue
        assert url.scheme in ("http", "https"), candidate
        host = url.host
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            continue
        if is_public_address(ip):
            assert ip.is_global, candidate
            continue
        try:
            fetch(str(url), options=OPTIONS)
        except AddressNotAllowed:
            pass
        else:  # pragma: no cover - a finding
            raise AssertionError(f"non-public {ip} fetched from {candidate!r}")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
