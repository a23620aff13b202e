"""Who processes members' data and where (PRIV-15): a public page, linked from the privacy notice and
the privacy centre, generated from the `PROCESSORS` setting and the data map (`privacy.processors`)."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET

from memberarea.privacy.processors import processors_list


@require_GET
def processors(request):
    listed = processors_list()
    transfers = any(country.outside_eea for processor in listed for country in processor.countries)
    context = {"processors": listed, "transfers": transfers, "eea_count": len(settings.PRIVACY_EEA_COUNTRIES)}
    return render(request, "web/privacy/processors.html", context)
