"""Dependency aliases: settings, services and the caller's API key, from the app's resources.

Every dependency is `async def` although none awaits: FastAPI runs a plain `def` dependency in a
worker thread, and those hops cost more than the whole cache-hit path (measured with wrk). Each
reads the request's app directly rather than through another dependency: FastAPI solves every
sub-dependency on every request, about 10 µs each.
"""

from typing import Annotated

from fastapi import Depends, Request

from llm_starter_api.config import Settings
from llm_starter_api.errors import Forbidden, Unauthorized
from llm_starter_api.infra.security.auth import APIKeys, presented_key
from llm_starter_api.jobs.service import Jobs
from llm_starter_api.resources import Resources
from llm_starter_api.text.batch import BatchRunner
from llm_starter_api.text.service import TextService


async def get_resources(request: Request) -> Resources:
    """What the lifespan created."""
    resources: Resources = request.app.state.resources
    return resources


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


async def require_api_key(request: Request) -> str | None:
    """The caller's valid key (None when the API runs open); 401 otherwise."""
    keys: APIKeys = request.app.state.api_keys
    key = presented_key(request)
    if not keys.admit(key):
        raise Unauthorized()
    return None if keys.open else key


async def require_admin_key(request: Request) -> None:
    """An admin key (INTERNAL_API_KEYS); 403 for a client key, 401 for anything else."""
    admins: APIKeys = request.app.state.admin_keys
    key = presented_key(request)
    if admins.admit(key):
        return
    clients: APIKeys = request.app.state.api_keys
    if key is not None and not clients.open and clients.valid(key):
        raise Forbidden(
            "This route needs an admin key (INTERNAL_API_KEYS); a client key is not one"
        )
    raise Unauthorized()


ResourcesDep = Annotated[Resources, Depends(get_resources)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
CurrentKey = Annotated[str | None, Depends(require_api_key)]


async def get_text_service(request: Request) -> TextService:
    """The text service."""
    service: TextService = request.app.state.resources.text_service
    return service


async def get_batch_runner(request: Request) -> BatchRunner:
    """The batch runner."""
    runner: BatchRunner = request.app.state.resources.batch_runner
    return runner


async def get_jobs(request: Request) -> Jobs:
    """The batch jobs."""
    jobs: Jobs = request.app.state.resources.jobs
    return jobs


TextServiceDep = Annotated[TextService, Depends(get_text_service)]
BatchRunnerDep = Annotated[BatchRunner, Depends(get_batch_runner)]
JobsDep = Annotated[Jobs, Depends(get_jobs)]
