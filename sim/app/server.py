"""Serving the dashboard: Solara's Starlette app under uvicorn, in this one process, offline.

Solara is set up before it is imported: production mode, no telemetry, and its front end
(the Vue 2 app, require.js, fonts) served from the `solara-assets` package's copy, never from
a CDN. Everything the browser loads then comes from this server: a workshop room needs no
internet (docs/app.md says which versions make that so, and why).
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
from typing import Any

from sim.errors import InputError, Problem

# Solara's settings, read from the environment when solara is first imported.
SOLARA_ENV = {
    "SOLARA_APP": "sim.app.page",
    "SOLARA_MODE": "production",
    # Solara sends usage events to an analytics service by default: never from a workshop.
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    # The browser asks this server for the front end's files, which it serves from
    # solara-assets' copy (installed into <prefix>/share/solara/cdn). A file missing there
    # would be fetched from a CDN by the server: pointing "the CDN" at a closed local port
    # makes that fail at once instead of reaching out.
    "SOLARA_ASSETS_PROXY": "True",
    "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/",
    "SOLARA_THEME_SHOW_BANNER": "False",  # no "runs on Solara" banner (a link out)
}
APP_EXTRA = "pip install 'orgculture-sim[app]' (make does it for development)"


def check_installed() -> None:
    """Refuse, with the install command, when the optional `app` extra is missing."""
    # Looked up, not imported: Solara reads its settings from the environment when first
    # imported, and `serve` sets them.
    missing = [
        m
        for m in ("solara", "solara_assets", "altair", "uvicorn")
        if importlib.util.find_spec(m) is None
    ]
    if missing:
        raise InputError([Problem("sim app", f"needs {', '.join(missing)}: {APP_EXTRA}")])


def check_port(host: str, port: int) -> None:
    """Refuse a port that is taken (before the server starts, so nothing is half-up)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As uvicorn binds: a port whose last connections are still closing (TIME_WAIT)
        # is free to listen on.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as err:
            raise InputError(
                [
                    Problem(
                        f"--host {host} --port {port}",
                        f"cannot listen there ({err.strerror}); choose another --port",
                    )
                ]
            ) from None


def serve(settings: dict[str, Any], host: str, port: int, app: str = "sim.app.page") -> None:
    """Run the dashboard until interrupted.

    Args:
        settings: `WorkshopModel` keywords (source, sets, design, seed) every tab starts from.
        host: the address to listen on.
        port: the port.
        app: the Solara page's module (`sim.app.mesa_page`: Mesa's own SolaraViz page).
    """
    os.environ.update(SOLARA_ENV)
    os.environ["SOLARA_APP"] = app
    os.environ["SIM_APP_CONFIG"] = json.dumps(settings)
    os.environ["SERVER_NAME"], os.environ["SERVER_PORT"] = host, str(port)
    import uvicorn

    uvicorn.run(
        "solara.server.starlette:app",
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        ws_max_size=64 * 1024 * 1024,
        # No deflate: the picture's still image is a JPEG, which deflate cannot shrink, and
        # each week's shapes are about 25 kB, mostly base64, on a local network. When every
        # frame was a 0.5 MB JPEG, deflate cost the server about 30 ms of CPU a frame and
        # the browser as much to inflate (docs/app.md, "Speed").
        ws_per_message_deflate=False,
    )
