"""Where a plain form sends the browser back to: the `next` it carried, when it is a page of this site."""

from django.utils.http import url_has_allowed_host_and_scheme


def next_same_site(request, target: str, default: str = "/") -> str:
    """`target` when it is a path or URL of this host (HTTPS kept HTTPS), else `default`: never another site."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
