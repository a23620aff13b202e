"""Sign-in by identity document and password.

Unknown usernames cost the same as known ones: the same single indexed query, then one argon2
verification against a dummy hash, so timing does not reveal who has an account (LOGIN-1).
"""

import functools

from django.conf import settings
from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.hashers import check_password, make_password
from django.db.models import Exists, OuterRef

from memberarea.core.rows import PreparedRead, row_or_none

from .models import Account, StaffRole
from .usernames import username_index


@functools.cache
def _dummy_hash(parameters: tuple[int, int, int]) -> str:
    return make_password("memberarea-dummy-password")


def equalising_hash() -> str:
    return _dummy_hash(
        (settings.PASSWORD_ARGON2_TIME_COST, settings.PASSWORD_ARGON2_MEMORY_KIB, settings.PASSWORD_ARGON2_PARALLELISM)
    )


_ACCOUNT_BY_USERNAME = PreparedRead(
    lambda key: Account.objects.filter(username_index=key), Account._meta.get_field("username_index")
)


_ACCOUNT_SIGNED_IN = PreparedRead(
    lambda pk: Account.objects.filter(pk=pk).annotate(
        holds_staff_role=Exists(StaffRole.objects.filter(account=OuterRef("pk")))
    ),
    Account._meta.pk,
)


def account_by_username_index(key: str) -> Account | None:
    """The account of a username's blind index, or None: the first read of every password step (PERF-1)."""
    return row_or_none(_ACCOUNT_BY_USERNAME.rows(key))


def account_signed_in(account_id) -> Account | None:
    """The account of a signed-in browser or app while it may be used (active, not frozen), with
    whether it holds a staff role in the same query: every page asks `is_staff` (the navigation), and
    for a member that is then no second query (PERF-3). A prepared read (decision 0048)."""
    account = row_or_none(_ACCOUNT_SIGNED_IN.rows(account_id))
    if account is None or not account.is_active or account.frozen_at is not None:
        return None
    if not account.holds_staff_role:  # type: ignore[attr-defined]  # the read's annotation, on a raw row
        account.roles_known(set())
    return account


class DocumentBackend(BaseBackend):
    def authenticate(self, request, username: str | None = None, password: str | None = None, **kwargs):
        if not username or password is None:
            return None
        account = account_by_username_index(username_index(username))
        if account is None:
            check_password(password, equalising_hash())
            return None
        if account.check_password(password) and account.is_active and account.frozen_at is None:
            return account
        return None

    def get_user(self, user_id):
        return account_signed_in(user_id)
