"""The password hasher: Argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane).

Django's own Argon2 parameters (100 MiB, 2 passes, 8 lanes) cost about 0.25 s of CPU per
login; at the start of a desk's day, dozens of staff log in within seconds on a 2-core server,
and the logins queue behind each other (docs/performance.md, load test). OWASP's Password
Storage Cheat Sheet gives m=19 MiB, t=2, p=1 as its first Argon2id configuration: about 25 ms
of CPU. Hashes with other parameters, and PBKDF2 hashes, are rewritten with these at the
user's next login (Django's `must_update`)."""

from django.contrib.auth.hashers import Argon2PasswordHasher as DjangoArgon2PasswordHasher


class Argon2PasswordHasher(DjangoArgon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
