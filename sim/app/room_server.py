"""`sim workshop`'s web server: the projector page, the phones' page and their small API.

A Starlette app under uvicorn, in one process; its runs go to a bounded process pool
(`sim.app.room_runs.Runner`). Facilitator actions (close a round, next round, the frames of
the top designs) answer only requests from this computer; phones submit designs, with the
join code when the session is shared (`--share`).
"""

from __future__ import annotations

import html
import io
import json
import re
import socket
import threading
from typing import Any

from sim.app.room import MAX_BODY_BYTES, Room, board_note, knob_ranges, leaderboard_html
from sim.app.room_pages import code_page, phone_page, projector_page
from sim.app.room_runs import Runner, round_designs
from sim.errors import InputError

PARTICIPANT = re.compile(r"[A-Za-z0-9-]{8,64}")
LOCAL = ("127.0.0.1", "::1", "localhost")
PLAY_FRAME = (960, 540)  # one design's frame when the top designs play side by side
PLAY_STEP = 4  # weeks between the frames played


def lan_address() -> str:
    """This computer's address on the room's network (127.0.0.1 when there is none).

    Connecting a UDP socket sends nothing: it only asks the system which interface would.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("10.255.255.255", 1))
            return sock.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def qr_svg(text: str) -> str:
    """A QR code of `text` as SVG (drawn here: nothing fetched)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return image.to_string(encoding="unicode")


def qr_text(text: str) -> str:
    """A QR code of `text` for the terminal."""
    import qrcode

    qr = qrcode.QRCode(border=1)
    qr.add_data(text)
    out = io.StringIO()
    qr.print_ascii(out=out, invert=True)
    return out.getvalue()


class Plays:
    """The frames of the top designs of a round, each stepped by its own `Stage`."""

    def __init__(self, room: Room) -> None:
        self.room = room
        self.stages: dict[tuple[int, int], Any] = {}
        self.locks: dict[tuple[int, int], threading.Lock] = {}
        self.lock = threading.Lock()

    def frame(self, number: int, rank: int, week: int) -> bytes:
        """PNG of design `rank` of round `number` at `week` (replicate 0's seed)."""
        from sim.scenario.orgchart import load_chart
        from sim.viz.animation import Stage
        from sim.viz.animation.sizing import frame_size

        rnd = self.room.rounds[number - 1]
        board = rnd.leaderboard
        if not 1 <= rank <= len(board):
            raise KeyError(rank)
        key = (number, rank)
        with self.lock:
            lock = self.locks.setdefault(key, threading.Lock())
        with lock:
            stage = self.stages.get(key)
            week = max(0, min(week, self.room.base.weeks))
            if stage is None or stage.panels[0].model.steps > week:
                subs = dict(self.room.round_designs(number))
                name = board[rank - 1]["design"]
                designs = round_designs(self.room, [(name, subs[name])])
                scenario = self.room.base.with_changes(designs=designs)
                seed = int(self.room_seed())
                stage = Stage(
                    scenario,
                    (name,),
                    seed,
                    org_chart=load_chart(scenario),
                    size=frame_size(1, PLAY_FRAME, None),
                )
                self.stages[key] = stage
            stage.show(week)
            buffer = io.BytesIO()
            stage.render().save(buffer, format="PNG", compress_level=1)
            return buffer.getvalue()

    def room_seed(self) -> int:
        """Replicate 0's seed: the seed `sim run` runs first."""
        from sim.scenario.seeds import replicate_seeds

        return replicate_seeds(self.room.base.seed, 1)[0]


def state(room: Room) -> dict[str, Any]:
    """What the projector page shows, as JSON."""
    with room.lock:
        current = room.rounds[-1]
        shown = current
        designs = [
            {"team_html": html.escape(s.team), "label_html": html.escape(s.label)}
            for s in current.submissions.values()
        ]
        texts = {
            "open": "open: send your designs",
            "running": f"running {len(current.submissions)} designs x {room.replicates} "
            "replicates...",
            "done": f"done in {current.seconds:.0f} s",
            "failed": f"failed: {current.error}",
        }
        board = ""
        if shown.leaderboard:
            board = (
                f"<p class=note>{html.escape(board_note(room, shown.leaderboard))}</p>"
                + leaderboard_html(shown.leaderboard, room.base.costs.currency)
            )
        elif shown.status == "failed":
            board = f"<p class=problems>{html.escape(shown.error)}</p>"
        top = [{"team_html": html.escape(r["team"])} for r in shown.leaderboard[:3]]
        return {
            "round": current.number,
            "status": current.status,
            "status_text": texts[current.status],
            "designs": designs,
            "board_html": board,
            "top": top,
            "weeks": room.base.weeks,
            "play_step": PLAY_STEP,
        }


def _refuse(problems: list[str], status: int = 400):
    from starlette.responses import JSONResponse

    return JSONResponse({"problems": problems}, status_code=status)


class Handlers:
    """The endpoints of one session (Starlette request handlers)."""

    def __init__(self, room: Room, runner: Runner, join_url: str, code: str | None) -> None:
        self.room, self.runner, self.join_url, self.code = room, runner, join_url, code
        self.plays = Plays(room)

    @staticmethod
    def denied(request):
        """A refusal unless the request comes from this computer."""
        if request.client is None or request.client.host not in LOCAL:
            return _refuse(["only the facilitator's computer may do that"], 403)
        return None

    def has_code(self, request) -> bool:
        """Whether the request carries the join code (always, when there is none)."""
        given = request.query_params.get("code", "").strip().upper()
        return self.code is None or given == self.code

    async def projector(self, request):
        """The facilitator's page."""
        from starlette.responses import HTMLResponse

        if self.denied(request):
            return HTMLResponse("<p>The projector page opens on the facilitator's computer.</p>")
        return HTMLResponse(projector_page(self.room.base.name, self.join_url, self.code))

    async def join(self, request):
        """The phones' page (or the page asking for the join code)."""
        from starlette.responses import HTMLResponse

        if not self.has_code(request):
            return HTMLResponse(code_page())
        room = self.room
        design = room.base.design(room.design)
        values = {n: getattr(design, n) for n in knob_ranges()}
        values["duration_weeks"] = (
            "ongoing" if design.duration_weeks is None else str(design.duration_weeks)
        )
        return HTMLResponse(phone_page(room.base.name, knob_ranges(), values, room.budget_hours))

    async def submit(self, request):
        """A design from a phone: checked, kept or refused with what is allowed."""
        from starlette.concurrency import run_in_threadpool
        from starlette.responses import JSONResponse

        if not self.has_code(request):
            return _refuse(["the join code is missing or wrong: scan the QR code again"], 403)
        who = request.headers.get("x-participant", "")
        if not PARTICIPANT.fullmatch(who):
            return _refuse(["reload the page (no participant id)"], 400)
        size = request.headers.get("content-length", "")
        too_large = [f"too large: a design is at most {MAX_BODY_BYTES} bytes"]
        if not size.isdigit() or int(size) > MAX_BODY_BYTES:
            return _refuse(too_large, 413)  # refused unread
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return _refuse(too_large, 413)
        try:
            payload = json.loads(body)
        except ValueError:
            return _refuse(["not a design (expected JSON)"])
        try:
            sub = await run_in_threadpool(self.room.submit, who, payload)
        except InputError as err:
            status = 429 if any(p.where == "too fast" for p in err.problems) else 400
            return _refuse([f"{p.where}: {p.message}" for p in err.problems], status)
        return JSONResponse({"label": sub.label, "hours": round(sub.hours_per_year)})

    async def close(self, request):
        """Close the open round and run it in the background."""
        from starlette.responses import JSONResponse

        denied = self.denied(request)
        if denied:
            return denied
        try:
            r = self.room.close()
        except InputError as err:
            return _refuse([p.message for p in err.problems], 409)
        self.runner.start(r.number)
        return JSONResponse({"round": r.number})

    async def next_round(self, request):
        """Open the next round."""
        from starlette.responses import JSONResponse

        denied = self.denied(request)
        if denied:
            return denied
        try:
            r = self.room.next_round()
        except InputError as err:
            return _refuse([p.message for p in err.problems], 409)
        return JSONResponse({"round": r.number})

    async def state(self, request):
        """The session's state for the projector page."""
        from starlette.responses import JSONResponse

        return JSONResponse(state(self.room))

    async def qr(self, request):
        """The join address as a QR code."""
        from starlette.responses import Response

        return Response(qr_svg(self.join_url), media_type="image/svg+xml")

    def frame(self, request):
        """A frame of one of the top designs (sync: Starlette runs it in its thread pool)."""
        from starlette.responses import Response

        denied = self.denied(request)
        if denied:
            return denied
        p = request.path_params
        try:
            png = self.plays.frame(p["round"], p["rank"], p["week"])
        except (KeyError, IndexError):
            return _refuse(["no such design in that round's leaderboard"], 404)
        return Response(png, media_type="image/png")


def make_app(room: Room, runner: Runner, join_url: str, code: str | None):
    """The Starlette app of a session."""
    from starlette.applications import Starlette
    from starlette.routing import Route

    h = Handlers(room, runner, join_url, code)
    routes = [
        Route("/", h.projector),
        Route("/join", h.join),
        Route("/api/submit", h.submit, methods=["POST"]),
        Route("/api/close", h.close, methods=["POST"]),
        Route("/api/next", h.next_round, methods=["POST"]),
        Route("/api/state", h.state),
        Route("/qr.svg", h.qr),
        Route("/api/frame/{round:int}/{rank:int}/{week:int}", h.frame),
    ]
    return Starlette(routes=routes, on_shutdown=[runner.stop])
