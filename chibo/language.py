"""The site's language: Vietnamese whatever the browser asks for, English only by choice.

Django's LocaleMiddleware follows the Accept-Language header, so a phone set to English got
the whole site in English. Here the language comes only from the cookie that Django's
set_language view writes when the user picks a language in the user menu, else LANGUAGE_CODE.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


def chosen_language(request) -> str:
    """The language the user chose (the set_language cookie), else the site's language."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in dict(settings.LANGUAGES):
        return chosen
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    """Activate the chosen language for the request (instead of LocaleMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # Pages differ by the language cookie, not by Accept-Language.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
