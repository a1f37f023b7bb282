"""Content-Security-Policy on every response: a second wall behind sanitising and escaping.

Customer text reaches agents' browsers from every channel. It is sanitised (nh3) when stored and
escaped when rendered; should either ever slip, this policy still refuses to run any script
that is not one of our own static files (no inline script, no event-handler attributes, no
eval), to load images from other hosts (tracking pixels in email HTML) or to be framed.
Inline style attributes stay allowed: the server-rendered SVG charts and htmx use them.
Override with the BEREIKBAAR_CSP setting (an empty string sends none).
"""

from django.conf import settings

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.policy = getattr(settings, "BEREIKBAAR_CSP", POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response
