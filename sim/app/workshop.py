"""Deprecated name of `sim.app.dashboard` (the dashboard's Mesa model), kept for old imports.

`sim workshop` (the room's server) lives in `sim.app.room*`; the dashboard's model moved to
`sim.app.dashboard` so that "workshop" names one thing. Import from there.
"""

from sim.app.dashboard import *  # noqa: F403
from sim.app.dashboard import (  # noqa: F401 - the names tests and notebooks imported
    FONT_SCALE,
    FRAME,
    MEASURES,
    NO_PROGRAM,
    SIDES,
    WorkshopModel,
    labelled,
    load,
    measure_name,
    try_controls,
    where_refused,
)
