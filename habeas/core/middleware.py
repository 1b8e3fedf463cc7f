"""Response headers every page carries, and text input made plain."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from habeas.lib.text import plain_text

# Everything Habeas serves comes from Habeas: no inline script, no other host.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # A shared or seized computer must not keep case pages in its cache.
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, private"
        return response


class PlainTextInputMiddleware:
    """Every form's text arrives without control characters (habeas.lib.text.plain_text).

    One place for every form: a vertical tab pasted from Word into any free-text field
    would otherwise be stored, and later refuse to go into the Atom feed or a DOCX file.
    Runs after the CSRF check and the login requirement, so only requests that passed
    them are read. Files and JSON bodies are left alone.

    Passwords are left alone too, or one holding a control character could never
    log in again and one typed with a vertical tab would be stored with a newline.
    The middleware sees no form, so it goes by name: every field whose name holds
    "password" (Django's password, old_password, new_password1/2; Habeas's
    password1/2). A password field must be named so (a test checks every form)."""

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    @staticmethod
    def is_secret(name: str) -> bool:
        return "password" in name.lower()

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        if request.method != "POST" or request.content_type not in self.FORM_TYPES:
            return
        cleaned = request.POST.copy()
        for key, values in list(cleaned.lists()):
            if not self.is_secret(key):
                cleaned.setlist(key, [plain_text(value) for value in values])
        cleaned._mutable = False
        # Immutable again, as Django's own; the stubs know that only by a type of their own.
        request.POST = cleaned  # type: ignore[assignment]
