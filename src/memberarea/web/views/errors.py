"""Friendly error pages in the visitor's language."""

from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    return render(request, "web/errors/403_csrf.html", status=403)


def forbidden(request, exception=None):
    """handler403: any PermissionDenied (a staff page outside the role's rights) in the site's layout,
    with the way back to where this visitor belongs."""
    return render(request, "web/errors/403.html", status=403)


def not_found(request, exception=None):
    return render(request, "web/errors/404.html", status=404)
