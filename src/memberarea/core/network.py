"""The caller's network address, for rate limits and the sessions list.

Behind a proxy the address is the last one the trusted proxies added to X-Forwarded-For
(`TRUSTED_PROXY_COUNT` of them); with none configured the header is ignored, since any client can
write it. Sessions show the network (/24, /48), not the address.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return _valid(forwarded[-proxies]) or request.META.get("REMOTE_ADDR", "")
    return request.META.get("REMOTE_ADDR", "")


def address_network(address: str) -> str:
    """The /24 (IPv4) or /48 (IPv6) an address belongs to: enough to recognise a place, not a person."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _valid(address: str) -> str:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""
