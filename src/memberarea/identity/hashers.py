"""argon2id with settings-driven parameters and NFKC-normalised input (PWD-3).

NFKC makes the same password typed on different keyboards (composed vs decomposed "ñ", full-width
digits) hash the same. Django re-hashes at the next sign-in when the parameters change
(`must_update`), so raising them upgrades every account over time.
"""

import unicodedata

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


def normalise_password(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


class MemberAreaArgon2Hasher(Argon2PasswordHasher):
    algorithm = "argon2"

    @property
    def time_cost(self) -> int:  # type: ignore[override]
        return settings.PASSWORD_ARGON2_TIME_COST

    @property
    def memory_cost(self) -> int:  # type: ignore[override]
        return settings.PASSWORD_ARGON2_MEMORY_KIB

    @property
    def parallelism(self) -> int:  # type: ignore[override]
        return settings.PASSWORD_ARGON2_PARALLELISM

    def encode(self, password: str, salt: str) -> str:
        return super().encode(normalise_password(password), salt)

    def verify(self, password: str, encoded: str) -> bool:
        return super().verify(normalise_password(password), encoded)
