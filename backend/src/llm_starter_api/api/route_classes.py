"""Which rate-limit class each of our routes falls in: the table main.py hands the limiter."""

from llm_starter_api.infra.security.limiter import RouteClass
from llm_starter_api.infra.security.rate_limit import RouteRule, RouteTable

ROUTE_CLASSES = RouteTable(
    [
        # Orchestrators probe these every few seconds; limiting them would restart healthy pods.
        RouteRule("/v1/health", None),
        # Scrapes must go on while Redis is down (a 503 in `closed` mode would blind the alerts).
        RouteRule("/metrics", None),
        # Model calls; a batch charges its other items from the route (`charge`).
        RouteRule("/v1/text_processing/process", RouteClass.HEAVY),
        RouteRule("/v1/text_processing/batch_process", RouteClass.HEAVY),
        # Submitting a job calls models like a batch does; reading or cancelling one does not.
        RouteRule(
            "/v1/text_processing/jobs", RouteClass.HEAVY, methods=frozenset({"POST"}), exact=True
        ),
        RouteRule("/v1/auth", RouteClass.AUTH),
    ],
    default=RouteClass.STANDARD,
)
