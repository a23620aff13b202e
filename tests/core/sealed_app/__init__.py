"""A test-only app (installed by settings/test.py) with one model per kind of encrypted field.

The kernel's encrypted fields are tested through a real table without depending on the domain
models that use them; no migrations, so the test database creates the table directly.
"""
