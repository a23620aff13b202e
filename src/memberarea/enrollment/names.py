"""The name index staff search by (BO-2): keyed hashes of the words of each membership's names.

Written by the import for every membership it creates or changes, and by `index_member_names` for
rows imported before the index existed (docs/operations.md).
"""

from collections.abc import Iterable

from django.db import transaction

from .bulk import rows_insert
from .identifiers import name_word_index, name_words
from .models import Membership, NameToken


def membership_name_tokens(membership: Membership) -> set[str]:
    return {name_word_index(word) for word in name_words(membership.first_name, membership.last_name)}


def names_index_write(memberships: Iterable[Membership]) -> int:
    """Replace the name tokens of `memberships` (saved rows); returns how many tokens were written."""
    memberships = [m for m in memberships if m.pk is not None]
    if not memberships:
        return 0
    NameToken.objects.filter(membership__in=memberships).delete()
    tokens = [NameToken(membership=m, token=token) for m in memberships for token in membership_name_tokens(m)]
    rows_insert(NameToken, tokens)
    return len(tokens)


def names_index_rebuild(*, chunk_size: int = 1000) -> int:
    """Re-hash the names of every membership (rows imported before the index, or a new
    BLIND_INDEX_KEY); one transaction per chunk; returns how many memberships were indexed."""
    done, last = 0, None
    while True:
        rows = Membership.objects.order_by("pk").only("pk", "first_name", "last_name")
        chunk = list((rows.filter(pk__gt=last) if last is not None else rows)[:chunk_size])
        if not chunk:
            return done
        with transaction.atomic():
            names_index_write(chunk)
        done, last = done + len(chunk), chunk[-1].pk
