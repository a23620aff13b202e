"""Model fields whose values are encrypted at rest (see crypto.py).

The database holds only sealed tokens. A value read from the database stays sealed until the code
reads the attribute, and is opened then with the row's own associated data. Writing needs the
row's primary key, so models with encrypted fields use primary keys assigned in Python (UUIDs).
Lookups by value are refused: use a blind index column instead.
"""

import datetime as dt

from django.db import models
from django.db.models.expressions import Combinable

from . import crypto


class Sealed:
    """A ciphertext as stored; compared and written as is, opened only through the model attribute."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sealed) and other.token == self.token

    def __hash__(self) -> int:
        return hash(self.token)

    def __repr__(self) -> str:
        return "Sealed(…)"


class _OpeningDescriptor:
    def __init__(self, field: "EncryptedField") -> None:
        self.field = field

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__.get(self.field.attname)
        if isinstance(value, Sealed):
            opened = self.field.open(instance, value)
            instance.__dict__[self.field.attname] = opened
            instance.__dict__[self.field.stored_key] = (value, opened)
            return opened
        return value

    def __set__(self, instance, value) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedField(models.TextField):
    """Base: subclasses say how a Python value becomes bytes and back."""

    def to_bytes(self, value) -> bytes:  # pragma: no cover - abstract
        raise NotImplementedError

    def from_bytes(self, raw: bytes):  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def stored_key(self) -> str:
        return f"_sealed_{self.attname}"

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only)
        setattr(cls, self.attname, _OpeningDescriptor(self))

    def associated_data(self, instance) -> bytes:
        if instance.pk is None:
            raise ValueError(f"{instance._meta.label}.{self.name} needs the primary key assigned before saving")
        return f"{instance._meta.label_lower}.{self.name}:{instance.pk}".encode()

    def open(self, instance, sealed: Sealed):
        return self.from_bytes(crypto.open_sealed(sealed.token, self.associated_data(instance)))

    def seal(self, instance, value) -> Sealed:
        return Sealed(crypto.seal(self.to_bytes(value), self.associated_data(instance)))

    def pre_save(self, model_instance, add):
        value = model_instance.__dict__.get(self.attname)
        if value is None or isinstance(value, Sealed):
            return value
        previous = model_instance.__dict__.get(self.stored_key)
        if previous is not None and previous[1] == value:
            return previous[0]  # unchanged since it was opened: keep the stored ciphertext
        sealed = self.seal(model_instance, value)
        model_instance.__dict__[self.stored_key] = (sealed, value)
        return sealed

    def from_db_value(self, value, expression, connection):
        return None if value is None else Sealed(value)

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        if value is None:
            return None
        if isinstance(value, Sealed):
            return value.token
        raise TypeError(
            f"{self.model._meta.label}.{self.name} is encrypted: save it through the model, "
            "and look rows up by a blind index"
        )

    def get_lookup(self, lookup_name):
        if lookup_name not in {"isnull", "exact"}:
            return None
        return super().get_lookup(lookup_name)


class EncryptedTextField(EncryptedField):
    def to_bytes(self, value) -> bytes:
        if not isinstance(value, str):
            raise TypeError(f"{self.name} takes text, not {type(value).__name__}")
        return value.encode()

    def from_bytes(self, raw: bytes) -> str:
        return raw.decode()


class EncryptedDateField(EncryptedField):
    # The Python type for django-stubs' model plugin (its documented hook for custom fields): a date, not text.
    _pyi_private_set_type: dt.date | Combinable  # type: ignore[assignment]  # stubs gap: TextField fixes str
    _pyi_private_get_type: dt.date  # type: ignore[assignment]  # stubs gap: TextField fixes str

    def to_bytes(self, value) -> bytes:
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise TypeError(f"{self.name} takes a date, not {type(value).__name__}")
        return value.isoformat().encode()

    def from_bytes(self, raw: bytes) -> dt.date:
        return dt.date.fromisoformat(raw.decode())


def encrypted_fields(model) -> list[EncryptedField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
