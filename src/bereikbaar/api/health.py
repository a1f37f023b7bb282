"""GET /api/v1/health: for load balancers and monitors, without a token.

200 while messages are stored (status "ok", or "degraded" when some wait long or sit in
quarantine: the node still accepts, so it must stay in the pool), 503 when the database is
unreachable. Counts only: nothing in it names a person.
"""

from django.http import HttpRequest, JsonResponse
from ninja import Router

from bereikbaar.intake.health import check

router = Router(tags=["health"])


@router.get("/health", auth=None, summary="Is intake storing and filing?")
def health(request: HttpRequest) -> JsonResponse:
    report = check()
    return JsonResponse(report.as_dict(), status=503 if report.status == "down" else 200)
