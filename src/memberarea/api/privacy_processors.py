"""Who processes members' data and where, for the app (PRIV-15, API-1): the same list as the web page.

Public (no token), in the request's language (Accept-Language). Generated from the `PROCESSORS`
setting and the data map; `website` is another organisation's site, which the app should open as such.
"""

from ninja import Field, Router, Schema

from memberarea.privacy.processors import processors_list

from .declared import raises

router = Router(tags=["privacy"])


class ProcessorCountryOut(Schema):
    code: str = Field(description="ISO 3166-1 alpha-2")
    name: str = Field(description="in the request's language")
    outside_eea: bool = Field(description="true: a transfer outside the European Economic Area")


class ProcessorOut(Schema):
    kind: str = Field(description="email | sms | hosting | core_system")
    name: str = Field(description="the organisation")
    service: str = Field(description="what kind of service it is, in the request's language")
    purpose: str = Field(description="what it does with the data, in the request's language")
    categories: list[str] = Field(description="the kinds of personal data it receives, from the data map")
    countries: list[ProcessorCountryOut] = Field(description="where it stores or processes the data")
    safeguard: str = Field(description="what protects data sent outside the EEA; empty when none is sent")
    website: str = Field(description="the organisation's site (another site), or empty")


@router.get(
    "/processors",
    response={200: list[ProcessorOut]},
    summary="Who processes members' data, what for, which data and in which countries",
)
@raises()
def processors(request):
    return [
        {
            "kind": processor.kind,
            "name": processor.name,
            "service": processor.role,
            "purpose": processor.purpose,
            "categories": processor.categories,
            "countries": [
                {"code": country.code, "name": country.name, "outside_eea": country.outside_eea}
                for country in processor.countries
            ],
            "safeguard": processor.safeguard,
            "website": processor.website,
        }
        for processor in processors_list()
    ]
