"""Masked contact details: enough for the member to recognise their own, too little to learn them.

Shown at registration (REG-3) and when choosing where a sign-in code goes (LOGIN-2), to people who
have proven only a few facts, so the masks reveal the first character of each part and the end of a
phone number, never more.
"""

BULLETS = "•••"


def mask_email(email: str) -> str:
    """`juana.perez@ejemplo.es` → `j•••@e•••.es`."""
    if not email or "@" not in email:
        return ""
    local, _, domain = email.rpartition("@")
    name, dot, suffix = domain.rpartition(".")
    if not dot:
        name, suffix = domain, ""
    masked_domain = f"{name[:1]}{BULLETS}" + (f".{suffix}" if suffix else "")
    return f"{local[:1]}{BULLETS}@{masked_domain}"


def mask_phone(e164: str) -> str:
    """`+34612345678` → `••• ••• •78`: the last two digits only."""
    digits = "".join(ch for ch in e164 or "" if ch.isdigit())
    if len(digits) < 4:
        return ""
    return f"{BULLETS} {BULLETS} •{digits[-2:]}"


def mask_street(line: str) -> str:
    """`Calle del Olmo 12, 3º B` → `C••• d••• O••• 1••• 3••• B•••`: the first character of each word."""
    return " ".join(f"{word[:1]}{BULLETS}" for word in (line or "").replace(",", " ").split())
