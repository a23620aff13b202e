"""Applying streams of enrollment records as deltas (ENR-2), in chunks of one transaction each.

Each chunk validates its rows, looks up what it needs with one query per table (policies, existing
memberships, persons by document, the suppression list), writes new rows in bulk and changed rows
one by one, links guardians, queues welcome messages and writes its audit entry — then commits.
Memory stays flat: only the chunk is held, plus 8 bytes per member number already seen in this
import (to report a member number repeated in one file) and the few guardian links that point
forward to a later chunk.

Idempotence: every membership and policy keeps a keyed hash of the last record applied to it; a
record whose hash is unchanged is skipped without writing or decrypting anything, so re-running a
file changes nothing and queues nothing.

Longer than 400 lines on purpose: it is one streaming algorithm (the chunk loop, the policy and
membership appliers that share its base class, the forward guardian links), best read in one place.
"""

import hashlib
import heapq
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from django.db import transaction

from memberarea.core import clock
from memberarea.core.audit import audit_record

from . import records as codes
from .bulk import rows_insert
from .identifiers import (
    document_index,
    email_index,
    mobile_index,
    normalise_number,
    suppression_key,
    suppression_member_key,
)
from .models import (
    Guardianship,
    ImportBatch,
    ImportRowError,
    Membership,
    Person,
    Policy,
    SuppressedPerson,
    WelcomeState,
)
from .names import names_index_write
from .records import MemberRecord, PolicyRecord, member_record_clean, policy_record_clean
from .welcome import WelcomeSender

Row = tuple[int, Mapping]
ProgressCallback = Callable[[ImportBatch], None]


class SeenNumbers:
    """Numbers already met in this import, as 64-bit fingerprints in sorted runs (8 bytes each).

    Runs are merged when a newer one grows as large as the one before it, so there are never more
    than about log2(n) runs to search. A fingerprint collision (odds about 1 in 3·10⁷ at a million
    rows) would only report one row as a duplicate that is not.
    """

    def __init__(self) -> None:
        self.runs: list[array] = []

    @staticmethod
    def _fingerprint(value: str) -> int:
        return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "big")

    def __contains__(self, value: str) -> bool:
        fingerprint = self._fingerprint(value)
        for run in self.runs:
            at = bisect_left(run, fingerprint)
            if at < len(run) and run[at] == fingerprint:
                return True
        return False

    def add_many(self, values: Iterable[str]) -> None:
        run = array("Q", sorted(self._fingerprint(v) for v in values))
        while self.runs and len(self.runs[-1]) <= len(run):
            run = array("Q", heapq.merge(self.runs.pop(), run))
        if run:
            self.runs.append(run)


def chunked(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


@dataclass
class _Chunk:
    errors: list[tuple[int, str, str]] = field(default_factory=list)

    def fail(self, row: int, name: str, code: str) -> None:
        self.errors.append((row, name, code))


class _Import:
    """Shared bookkeeping of one import: counts on the batch, errors, audit, progress."""

    event = "enrollment.import_applied"

    def __init__(self, *, batch: ImportBatch, actor_id: str, chunk_size: int, progress: ProgressCallback | None):
        self.batch = batch
        self.actor_id = actor_id
        self.chunk_size = chunk_size
        self.progress = progress
        self.seen = SeenNumbers()

    def _commit(self, chunk: _Chunk, before: dict[str, int]) -> None:
        """Inside the chunk's transaction: its errors, the batch's counts and one audit entry."""
        ImportRowError.objects.bulk_create(
            ImportRowError(batch=self.batch, row=row, field=name, code=code) for row, name, code in chunk.errors
        )
        rejected_rows = len({row for row, _, _ in chunk.errors})
        self.batch.rejected += rejected_rows
        self.batch.save(update_fields=list(ImportBatch.COUNTS))
        delta = {name: getattr(self.batch, name) - before[name] for name in ImportBatch.COUNTS}
        audit_record(
            event=self.event,
            actor_id=self.actor_id,
            subject_id=str(self.batch.pk),
            data={name: value for name, value in delta.items() if value},
        )

    def run(self, rows: Iterable[Row]) -> None:
        """Apply the stream chunk by chunk, each chunk one transaction, reporting progress after each."""
        for rows_of_chunk in chunked(rows, self.chunk_size):
            with transaction.atomic():
                self._chunk(rows_of_chunk)
            if self.progress:
                self.progress(self.batch)

    def _chunk(self, rows: list[Row]) -> None:
        raise NotImplementedError

    def _counts(self) -> dict[str, int]:
        return {name: getattr(self.batch, name) for name in ImportBatch.COUNTS}

    def _validated(self, rows: list[Row], chunk: _Chunk, clean, number_field: str, duplicate_code: str) -> list:
        """Clean each row, record its errors, and refuse a number seen before in this stream.

        `number_field` names the column in the row and, with the same name, the record's attribute.
        """
        cleaned, numbers = [], set()
        for row, raw in rows:
            self.batch.rows += 1
            record, field_errors = clean(raw)
            number = getattr(record, number_field) if record else normalise_number(str(raw.get(number_field) or ""))
            if number and (number in numbers or number in self.seen):
                field_errors = [*field_errors, (number_field, duplicate_code)]
            numbers.add(number)
            for name, code in field_errors:
                chunk.fail(row, name, code)
            if not field_errors:
                cleaned.append((row, record))
        self.seen.add_many(numbers - {""})
        return cleaned


class PolicyImport(_Import):
    def _chunk(self, rows: list[Row]) -> None:
        before, chunk, now = self._counts(), _Chunk(), clock.now()
        cleaned: list[tuple[int, PolicyRecord]] = self._validated(
            rows, chunk, policy_record_clean, "policy_number", codes.DUPLICATE_POLICY_NUMBER
        )
        existing = {p.number: p for p in Policy.objects.filter(number__in=[r.number for _, r in cleaned])}
        new = []
        for _, record in cleaned:
            digest = record.digest()
            policy = existing.get(record.number)
            if policy is not None and policy.record_digest == digest:
                continue
            if policy is None:
                policy = Policy(number=record.number, created_at=now)
                new.append(policy)
                self.batch.policies_created += 1
            else:
                self.batch.policies_updated += 1
            policy.type, policy.status = record.type, record.status
            policy.start_date, policy.end_date = record.start_date, record.end_date
            policy.holder_name, policy.record_digest, policy.updated_at = record.holder_name, digest, now
            if not policy._state.adding:
                policy.save()
        Policy.objects.bulk_create(new)
        self._commit(chunk, before)


class MembershipImport(_Import):
    def __init__(self, *, welcome: WelcomeSender | None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.welcome = welcome
        self.today = clock.today_in(settings.INSURER_TIME_ZONE)
        # Guardian links naming a member number not seen yet: retried once the whole stream is in.
        self.forward_links: list[tuple[int, str, tuple[str, ...]]] = []

    def run(self, rows: Iterable[Row]) -> None:
        super().run(rows)
        if self.forward_links:
            with transaction.atomic():
                self._forward_links()

    # --- one chunk ------------------------------------------------------------------------------
    def _chunk(self, rows: list[Row]) -> None:
        before, chunk, now = self._counts(), _Chunk(), clock.now()
        cleaned = self._validated(
            rows,
            chunk,
            lambda raw: member_record_clean(raw, today=self.today),
            "member_number",
            codes.DUPLICATE_MEMBER_NUMBER,
        )
        state = _MemberChunk.load([record for _, record in cleaned], now)
        guardian_links: list[tuple[int, Membership, tuple[str, ...]]] = []
        for row, record in cleaned:
            membership = self._apply(row, record, state, chunk)
            if membership is not None and record.guardians:
                guardian_links.append((row, membership, record.guardians))
        state.write(now)
        waiting = self._guardians_link(guardian_links, chunk, now, final=False)
        if self.welcome:
            ready = [m for m in state.new_memberships if m.pk not in waiting]
            self.batch.welcome_queued += self.welcome.send_new(ready, today=self.today)
        self._commit(chunk, before)

    def _apply(self, row: int, record: MemberRecord, state: "_MemberChunk", chunk: _Chunk) -> Membership | None:
        """Apply one valid record to the chunk's pending writes; None when it is skipped or rejected."""
        policy = state.policies.get(record.policy_number)
        if policy is None:
            chunk.fail(row, "policy_number", codes.UNKNOWN_POLICY)
            return None
        if state.suppression[record.member_number] & state.suppressed:
            self.batch.suppressed += 1
            return None
        digest = record.digest()
        membership = state.existing.get(record.member_number)
        if membership is not None and membership.record_digest == digest:
            self.batch.unchanged += 1
            return None
        index = state.indexes.get(record.member_number)
        person = state.persons_by_document.get(index) if index else None
        if membership is None:
            if person is not None and person.date_of_birth != record.date_of_birth:
                chunk.fail(row, "document_number", codes.DOCUMENT_CONFLICT)
                return None
            if person is not None:
                self.batch.rejoined += 1  # same document and birth date, new member number
            else:
                person = state.person_new(record, index)
            membership = Membership(member_number=record.member_number, person=person, created_at=state.now)
            membership.welcome_state = WelcomeState.PENDING if self.welcome else WelcomeState.SKIPPED
            state.new_memberships.append(membership)
            self.batch.created += 1
        else:
            if person is not None and person.pk != membership.person_id:
                chunk.fail(row, "document_number", codes.DOCUMENT_CONFLICT)
                return None
            state.person_update(membership.person, record, index)
            if record.end_date and record.end_date != membership.end_date:
                self.batch.ended += 1
            state.changed_memberships.append(membership)
            self.batch.updated += 1
        _membership_fill(membership, record, policy, digest, state.now)
        return membership

    # --- guardians ------------------------------------------------------------------------------
    def _guardians_link(self, links, chunk: _Chunk, now, *, final: bool) -> set:
        """Replace each listed minor's guardians with the ones named; returns minors left waiting.

        A guardian named before its own row has been read is kept for the end of the stream, when
        every row is in; only then is it reported as unknown.
        """
        if not links:
            return set()
        numbers = {n for _, _, guardians in links for n in guardians}
        found = {m.member_number: m for m in Membership.objects.filter(member_number__in=numbers)}
        current: dict = {}
        for link in Guardianship.objects.filter(minor__in=[minor for _, minor, _ in links]):
            current.setdefault(link.minor_id, {})[link.guardian_id] = link.pk
        waiting, create, stale = set(), [], []
        for row, minor, guardians in links:
            if not final and any(n not in found for n in guardians):
                self.forward_links.append((row, minor.member_number, guardians))
                waiting.add(minor.pk)
                continue
            wanted = []
            for number in guardians:
                guardian = found.get(number)
                if guardian is None:
                    chunk.fail(row, "guardian_member_numbers", codes.UNKNOWN_GUARDIAN)
                elif guardian.pk == minor.pk or guardian.policy_id != minor.policy_id:
                    chunk.fail(row, "guardian_member_numbers", codes.INVALID_GUARDIAN)
                else:
                    wanted.append(guardian.pk)
            if len(wanted) != len(guardians):
                # Applied without the bad link; forget the record's hash so the row is retried next time.
                Membership.objects.filter(pk=minor.pk).update(record_digest="")
            have = current.get(minor.pk, {})
            create += [Guardianship(guardian_id=g, minor_id=minor.pk, created_at=now) for g in wanted if g not in have]
            stale += [link_id for guardian_id, link_id in have.items() if guardian_id not in wanted]
        Guardianship.objects.filter(pk__in=stale).delete()
        Guardianship.objects.bulk_create(create)
        return waiting

    def _forward_links(self) -> None:
        before, chunk, now = self._counts(), _Chunk(), clock.now()
        minors = Membership.objects.in_bulk([number for _, number, _ in self.forward_links], field_name="member_number")
        links = [(row, minors[number], guardians) for row, number, guardians in self.forward_links]
        self._guardians_link(links, chunk, now, final=True)
        if self.welcome:
            pending = [m for m in minors.values() if m.welcome_state == WelcomeState.PENDING]
            self.batch.welcome_queued += self.welcome.send_new(pending, today=self.today)
        self.forward_links = []
        self._commit(chunk, before)


def _person_document_set(person: Person, record: MemberRecord, index: str | None) -> None:
    if not index:
        return  # an unknown document never erases a known one
    person.document_type = record.document_type
    person.document_number = record.document_number
    person.document_country = record.document_country
    person.document_index = index


def _membership_fill(membership: Membership, record: MemberRecord, policy: Policy, digest: str, now) -> None:
    """Copy a record onto a membership, keeping contacts and address the member has replaced."""
    membership.policy = policy
    membership.first_name, membership.last_name = record.first_name, record.last_name
    membership.sex, membership.relationship = record.sex, record.relationship
    membership.start_date, membership.end_date = record.start_date, record.end_date
    membership.language = record.language
    adding = membership._state.adding
    if adding or membership.address_from_insurer:
        membership.street = record.street or None
        membership.postal_code, membership.city = record.postal_code, record.city
        membership.province, membership.country = record.province, record.country
        membership.address_from_insurer = True
    if adding or membership.email_from_insurer or not membership.email_index:
        membership.email = record.email or None
        membership.email_index = email_index(record.email) if record.email else ""
        membership.email_from_insurer = membership.email_verified = bool(record.email)
    if adding or membership.mobile_from_insurer or not membership.mobile_index:
        membership.mobile = record.mobile or None
        membership.mobile_index = mobile_index(record.mobile) if record.mobile else ""
        membership.mobile_from_insurer = membership.mobile_verified = bool(record.mobile)
    membership.record_digest = digest
    membership.updated_at = now


class _MemberChunk:
    """What one chunk of member records needs from the database, and the writes it collects."""

    def __init__(self, now) -> None:
        self.now = now
        self.policies: dict[str, Policy] = {}
        self.existing: dict[str, Membership] = {}
        self.indexes: dict[str, str] = {}
        self.persons_by_document: dict[str, Person] = {}
        self.suppression: dict[str, set[str]] = {}  # member number → its suppression-list keys
        self.suppressed: set[str] = set()
        self.new_persons: dict = {}
        self.changed_persons: dict = {}
        self.new_memberships: list[Membership] = []
        self.changed_memberships: list[Membership] = []

    @classmethod
    def load(cls, records: list[MemberRecord], now) -> "_MemberChunk":
        """One query per table for the whole chunk."""
        state = cls(now)
        state.policies = {p.number: p for p in Policy.objects.filter(number__in={r.policy_number for r in records})}
        state.existing = {
            m.member_number: m
            for m in Membership.objects.select_related("person").filter(
                member_number__in=[r.member_number for r in records]
            )
        }
        with_document = [r for r in records if r.document_type]
        state.indexes = {
            r.member_number: document_index(r.document_type, r.document_number, r.document_country)
            for r in with_document
        }
        state.persons_by_document = {
            p.document_index: p for p in Person.objects.filter(document_index__in=set(state.indexes.values()))
        }
        state.suppression = {r.member_number: {suppression_member_key(r.member_number)} for r in records}
        for r in with_document:
            state.suppression[r.member_number].add(
                suppression_key(r.document_type, r.document_number, r.document_country, r.date_of_birth)
            )
        keys = set().union(*state.suppression.values())
        state.suppressed = set(SuppressedPerson.objects.filter(key__in=keys).values_list("key", flat=True))
        return state

    def person_new(self, record: MemberRecord, index: str | None) -> Person:
        person = Person(created_at=self.now, updated_at=self.now, date_of_birth=record.date_of_birth)
        _person_document_set(person, record, index)
        self.new_persons[person.pk] = person
        if index:
            self.persons_by_document[index] = person
        return person

    def person_update(self, person: Person, record: MemberRecord, index: str | None) -> None:
        """A corrected birth date, or a document now known or changed (e.g. NIE → NIF)."""
        if index and index != person.document_index:
            _person_document_set(person, record, index)
            self.persons_by_document[index] = person
            self.changed_persons[person.pk] = person
        if person.date_of_birth != record.date_of_birth:
            person.date_of_birth = record.date_of_birth
            self.changed_persons[person.pk] = person

    def write(self, now) -> None:
        rows_insert(Person, list(self.new_persons.values()))
        for person in self.changed_persons.values():
            if person.pk not in self.new_persons:
                person.updated_at = now
                person.save()
        rows_insert(Membership, self.new_memberships)
        for membership in self.changed_memberships:
            membership.save()
        names_index_write([*self.new_memberships, *self.changed_memberships])
