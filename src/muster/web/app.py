"""create_app(container) -> FastAPI: routers, middleware, error handlers, static files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles

from muster import __version__
from muster.web import errors
from muster.web.ratelimit import RateLimiter
from muster.web.ui.replay import ReplayGuard
from muster.web.api import applications, audit, auth, cases, resources, screening
from muster.web.api.schemas import application_create_model
from muster.web.api import trust as trust_api
from muster.web.ui import screening as screening_views
from muster.web.ui import trust as trust_views
from muster.web.ui import views

STATIC = Path(__file__).resolve().parent / "ui" / "static"

PUBLIC_POSTS = {"/api/applications", "/apply", "/status"}

SECURITY_HEADERS = {
    # No inline scripts or styles anywhere: HTMX and the stylesheet are served from /static.
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

# The docs page is FastAPI's, with one inline script that starts Swagger UI (vendored under /static).
DOCS_CSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'"


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # The background job worker (screening on arrival, re-screening) runs as long as the server does.
    jobs = getattr(app.state.container, "jobs", None)
    if jobs is not None:
        jobs.start()
    try:
        yield
    finally:
        if jobs is not None:
            jobs.stop()


def create_app(container: Any) -> FastAPI:
    app = FastAPI(title="Muster", version=__version__, docs_url=None, redoc_url=None, lifespan=_lifespan,
                  description="Intake, vetting and placement of volunteers. Public endpoints need no login; "
                              "all others take `Authorization: Bearer <token>` from `/api/auth/login`.")
    app.state.container = container
    app.state.replay_guard = ReplayGuard()
    errors.install(app)
    app.include_router(applications.build_router(application_create_model(container.questionnaire)))
    app.include_router(auth.router)
    app.include_router(cases.router)
    app.include_router(resources.router)
    app.include_router(audit.router)
    app.include_router(trust_api.router)
    app.include_router(screening.router)
    app.include_router(views.router)
    app.include_router(trust_views.router)
    app.include_router(screening_views.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> Response:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="Muster API",
                                   swagger_js_url="/static/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/static/swagger/swagger-ui.css",
                                   swagger_favicon_url="/static/favicon.svg")

    limiter = RateLimiter(container.settings.public_rate_limit)

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        public = (request.method == "POST" and request.url.path in PUBLIC_POSTS) or request.url.path.startswith("/api/status/")
        if public and not limiter.allow(request.client.host if request.client else ""):
            response: Response = errors.problem(429, "TooManyRequests", "too many requests; try again in a minute")
            response.headers["Retry-After"] = "60"
        else:
            response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.path == "/docs":
            response.headers["Content-Security-Policy"] = DOCS_CSP
        if not request.url.path.startswith("/static/"):
            # Receipt codes and case data must not come back from a shared computer's cache.
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app
