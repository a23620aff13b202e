"""The published documents' tiny format, rendered safely (PRIV-1, PRIV-15).

What a privacy officer may write, and nothing more:

    # A heading            (a section: <h2>; the page's own <h1> is the document's name)
    ## A smaller heading   (<h3>)
    A paragraph: lines that follow each other, ended by a blank line.
    - a list item          (lines starting "- "; an indented line continues the item)
    [text](url)            a link, inside any text: https://, http://, mailto:, tel: or a path on this site

Every character of the text is escaped, so no HTML, script or attribute can get through, and a link
with any other scheme (`javascript:`) stays plain text. A link to another site says so to every
reader — an arrow, and "(opens another site)" visually hidden — and carries `rel="noopener noreferrer"`
(`core.links.outside_anchor`, the one form every outside link takes).
"""

import html
import re
from collections.abc import Iterator

from django.utils.safestring import SafeString, mark_safe

from memberarea.core.links import outside_anchor

LINK = re.compile(r"\[([^\[\]]+)\]\(([^()\s]+)\)")
OUTSIDE = ("https://", "http://")
INSIDE = ("mailto:", "tel:", "/")
HEADINGS = {"# ": "h2", "## ": "h3"}


def _link(text: str, url: str) -> str:
    if url.startswith("//") or not url.startswith(OUTSIDE + INSIDE):
        return html.escape(f"[{text}]({url})")
    if url.startswith(OUTSIDE):
        return outside_anchor(url, text)
    label, href = html.escape(text), html.escape(url, quote=True)
    return f'<a href="{href}">{label}</a>'


def _inline(text: str) -> str:
    """Escape a line of text, turning each well-formed link into an anchor."""
    parts, last = [], 0
    for match in LINK.finditer(text):
        parts.append(html.escape(text[last : match.start()]))
        parts.append(_link(match.group(1), match.group(2)))
        last = match.end()
    parts.append(html.escape(text[last:]))
    return "".join(parts)


def _blocks(source: str) -> Iterator[tuple[str, list[str]]]:
    """("h2"|"h3"|"p"|"ul", lines) in order; a list's lines are its items."""
    kind, lines = "", list[str]()
    for raw in source.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        heading = next((tag for marker, tag in HEADINGS.items() if line.startswith(marker)), None)
        if not line or heading:
            if lines:
                yield kind, lines
            kind, lines = "", []
            if heading:
                yield heading, [line.split(" ", 1)[1].strip()]
        elif line.startswith("- "):
            if kind != "ul" and lines:
                yield kind, lines
                lines = []
            kind = "ul"
            lines.append(line[2:].strip())
        elif kind == "ul" and raw[:1].isspace():
            lines[-1] += " " + line
        else:
            if kind == "ul":
                yield kind, lines
                lines = []
            kind = "p"
            lines.append(line)
    if lines:
        yield kind, lines


def document_render(source: str) -> SafeString:
    """The source as HTML: headings, paragraphs, lists and links, every character of text escaped."""
    out = []
    for kind, lines in _blocks(source):
        if kind == "ul":
            items = "".join(f"<li>{_inline(item)}</li>" for item in lines)
            out.append(f"<ul>{items}</ul>")
        else:
            out.append(f"<{kind}>{_inline(' '.join(lines))}</{kind}>")
    return mark_safe("\n".join(out))  # noqa: S308 - all text was escaped above  # nosec B308 B703
