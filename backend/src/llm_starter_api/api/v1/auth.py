"""Whether the caller's key is accepted; never echoes key material."""

from fastapi import APIRouter

from llm_starter_api.deps import CurrentKey
from llm_starter_models import AuthStatusResponse

router = APIRouter(prefix="/auth", tags=["auth"])


@router.get("/status")
async def auth_status(key: CurrentKey) -> AuthStatusResponse:
    """Authentication status of the caller (401 when keys are required and missing or wrong)."""
    if key is None:
        return AuthStatusResponse(
            authenticated=False,
            message="Authentication is off: no API keys are configured (development only)",
        )
    return AuthStatusResponse(authenticated=True, message="API key accepted")
