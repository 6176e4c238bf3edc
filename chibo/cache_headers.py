"""Pages for a signed-in user are never kept by a browser's disk cache or a shared proxy.

Member names, absence reasons, petitions with residents' contacts: any authenticated response
may hold classified data, so the rule is on every one of them rather than on each view.
"""

from django.utils.cache import patch_cache_control

# Views that set their own caching. The calendar feed is read by calendar apps without a
# session, through a secret URL, and may be kept for 15 minutes by the reader that fetched it.
OWN_CACHING = frozenset({"meetings:calendar_feed"})


class PrivateNoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        if user is not None and user.is_authenticated and not (match and match.view_name in OWN_CACHING):
            response.headers.pop("Cache-Control", None)  # a view's max-age must not survive
            patch_cache_control(response, private=True, no_store=True)
        return response
