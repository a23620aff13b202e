"""Language switch: a plain POST form (works without JavaScript), remembered per browser and account."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils.translation import check_for_language
from django.views.decorators.http import require_POST

from memberarea.identity.services import account_language_set
from memberarea.identity.sign_in import SESSION_LANGUAGE_KEY

from .redirects import next_same_site


@require_POST
def language_switch(request):
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(next_same_site(request, request.POST.get("next", "/")))
    if language in dict(settings.LANGUAGES) and check_for_language(language):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        if request.user.is_authenticated:
            request.session[SESSION_LANGUAGE_KEY] = language  # the pages of this session follow the switch
            account_language_set(account=request.user, language=language)
    return response
