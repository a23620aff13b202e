"""The documents' small format, rendered safely (PRIV-1, PRIV-15): escaped text, marked outside links."""

import pytest
from django.utils import translation

from memberarea.privacy.rendering import document_render

pytestmark = pytest.mark.req("PRIV-1")


def test_headings_paragraphs_and_lists_become_their_elements():
    source = "# Who we are\nWe are an insurer\nof examples.\n\n## Rights\n- to see\n  your data\n- to delete it\nAfter."
    assert document_render(source) == (
        "<h2>Who we are</h2>\n<p>We are an insurer of examples.</p>\n<h3>Rights</h3>\n"
        "<ul><li>to see your data</li><li>to delete it</li></ul>\n<p>After.</p>"
    )


def test_every_character_of_html_is_escaped():
    html = document_render('<script>alert("x")</script>\n\n# <b onclick="y">Title</b>\n- <img src=x onerror=z>')
    assert "<script" not in html and "<b " not in html and "<img" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<h2>&lt;b onclick=&quot;y&quot;&gt;Title&lt;/b&gt;</h2>" in html


def test_a_link_on_this_site_is_plain_and_one_to_another_site_says_so():
    with translation.override("en"):
        html = document_render(
            "See the [cookie policy](/privacy/cookies/) and [the authority](https://www.example.org/a?b=1&c=2)."
        )
    assert '<a href="/privacy/cookies/">cookie policy</a>' in html
    assert (
        '<a href="https://www.example.org/a?b=1&amp;c=2" class="outside" rel="noopener noreferrer">the authority'
        '<span class="outside-marker" aria-hidden="true"> ↗</span>'
        '<span class="visually-hidden"> (opens another site)</span></a>'
    ) in html  # the one form of every outside link (PRIV-15, core.links.outside_anchor)
    with translation.override("es"):
        assert "(se abre en otro sitio)" in document_render("[x](https://www.example.org/)")


def test_mail_and_phone_links_are_kept_and_other_schemes_stay_text():
    assert document_render("[write](mailto:a@example.invalid)") == '<p><a href="mailto:a@example.invalid">write</a></p>'
    assert document_render("[x](javascript:alert(1))") == "<p>[x](javascript:alert(1))</p>"
    assert document_render("[x](javascript:void)") == "<p>[x](javascript:void)</p>"
    assert document_render("[x](//evil.example/)") == "<p>[x](//evil.example/)</p>"
    assert document_render('[x](/a"onmouseover="b)') == '<p><a href="/a&quot;onmouseover=&quot;b">x</a></p>'
