"""The real URLs plus one page with a captcha-guarded form, built from the product's partials.

No product page requires the captcha unconditionally (the flows ask for it after repeated failures),
so the widget test renders the partials on a page of its own, under the real middleware and CSP.
"""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from memberarea.core.captcha import captcha_verify
from memberarea.core.errors import MemberAreaError
from memberarea.urls import handler404, handler500  # noqa: F401
from memberarea.urls import urlpatterns as product_urlpatterns

PAGE = engines["django"].from_string(
    """{% extends "web/base.html" %}
{% block content %}
<h1>Captcha test</h1>
{% if outcome %}<p id="outcome">{{ outcome }}</p>{% endif %}
<form method="post">
  {% csrf_token %}
  <label for="member-number">Member number</label>
  <input id="member-number" name="member_number">
  {% include "web/_captcha.html" %}
  <button type="submit">Continue</button>
</form>
{% endblock %}
{% block scripts %}{% include "web/_captcha_assets.html" %}{% endblock %}"""
)


def captcha_page(request):
    """GET shows the form; POST checks the answer as a product view would and says the outcome."""
    outcome = ""
    if request.method == "POST":
        try:
            captcha_verify(request.POST.get("altcha"))
            outcome = "accepted"
        except MemberAreaError as error:
            outcome = error.code
    return HttpResponse(PAGE.render({"outcome": outcome}, request))


urlpatterns = [path("captcha-test/", captcha_page), *product_urlpatterns]
