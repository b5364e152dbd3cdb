"""Submitters: names, mobile numbers and GB 11643 ID-card numbers.

Ledgers carry real-looking personal data so that the PII handling is tested
on the shapes it meets in practice. Faker is slow (tens of µs a call), so a
pool of people is drawn once and submissions pick from it — which is also
realistic: CPPCC members send several submissions a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from random import Random

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    phone: str
    id_card: str


def id_check_digit(first17: str) -> str:
    """GB 11643-1999 check character (ISO 7064 MOD 11-2) for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _area_codes() -> list[str]:
    """County-level codes of Inner Mongolia (15xxxx) from Faker's GB/T 2260 list."""
    from faker.providers.ssn.zh_CN import Provider

    return [c for c in Provider.area_codes if c.startswith("15") and not c.endswith(("00", "01"))]


def id_card(rng: Random, areas: list[str], year: int) -> str:
    """An 18-digit number for someone aged 28–72 in ``year``; the birthday comes from ``rng``
    (Faker's own ssn() uses today's date, which would break determinism)."""
    birthday = date(year - 72, 1, 1) + timedelta(days=rng.randrange(44 * 365))
    first17 = f"{rng.choice(areas)}{birthday:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_check_digit(first17)


def person_pool(seed: int, size: int, year: int) -> list[Person]:
    from faker import Faker

    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    rng = Random(f"{seed}:people")
    areas = _area_codes()
    return [
        Person(fake.name(), fake.phone_number(), id_card(rng, areas, year)) for _ in range(size)
    ]
