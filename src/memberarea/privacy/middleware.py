"""The page-view counter (PRIV-6): after the view has answered, one count for a page view we may count."""

from .analytics import page_view_count, page_view_counted


class PageViewMiddleware:
    """Sits after the language middlewares, so the count carries the language the page was shown in.

    A browser that did not accept analytics costs nothing: the checks before the first query read
    the request, the response and the signed cookie only (privacy.analytics.page_view_counted).
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if page_view_counted(request, response):
            page_view_count(path_template=request.resolver_match.route, language=request.LANGUAGE_CODE)
        return response
