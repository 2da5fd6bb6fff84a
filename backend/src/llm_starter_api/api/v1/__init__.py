"""The public v1 API, wire-compatible with the original template."""

from fastapi import APIRouter

from llm_starter_api.api.v1 import auth, health, jobs, text

router = APIRouter(prefix="/v1")
router.include_router(health.router)
router.include_router(auth.router)
router.include_router(text.router)
router.include_router(jobs.router)
