"""The review web app (FastAPI): login, the review page, the list view, and a small JSON API.

Security model, in one place so it can be audited:
- every route except ``/login`` passes through :func:`_guard`: no live session → 401 (API) or a
  redirect to the login page (HTML), static files included;
- sessions are random tokens in an HttpOnly, SameSite=Strict cookie; only their hash is stored;
- every non-GET request must carry the session's CSRF token (``X-CSRF-Token``); the login form
  uses a double-submit token (cookie + hidden field) because there is no session yet;
- HTML is rendered by Jinja2 with autoescape, and the page scripts only ever set ``textContent``
  or form values, never ``innerHTML`` with data; a CSP without ``unsafe-inline`` backs this up;
- audio is looked up by cut id in the store and read only from files under the dataset folder or
  its ingested source folders (resolved paths, so ``..`` and symlinks cannot escape).
"""

from __future__ import annotations

import hmac
import io
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from tsukasa.annotation.store import CutState, ReviewConflict, ReviewStore, default_url
from tsukasa.corpus.dataset import Dataset
from tsukasa.errors import TsukasaError

SESSION_COOKIE = "tsukasa_session"
LOGIN_CSRF_COOKIE = "tsukasa_login_csrf"
CONTEXT_S = 0.5  # audio shown either side of the cut
_HERE = Path(__file__).parent
STATIC_FILES = {"app.css": "text/css", "review.js": "text/javascript", "list.js": "text/javascript"}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self' blob:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
PUBLIC_PATHS = {"/login"}


class AudioRefused(TsukasaError):
    """An audio request that would read outside the dataset (or from a non-file source)."""


def _templates():  # noqa: ANN202 - jinja2.Environment
    from jinja2 import Environment, FileSystemLoader

    return Environment(loader=FileSystemLoader(_HERE / "templates"), autoescape=True)


def allowed_audio_roots(dataset: Dataset) -> list[Path]:
    """The folders audio may be read from: the dataset itself and the raw folders it ingested."""
    roots = [dataset.path.resolve()]
    roots += [Path(s.path).resolve() for s in dataset.meta.sources]
    return roots


def audio_clip(state: CutState, roots: list[Path], context: float = CONTEXT_S) -> tuple[bytes, float, float]:
    """The cut's audio with up to ``context`` seconds either side, as 16-bit WAV bytes.

    Returns ``(wav, context_before, context_after)``. Refuses any path outside ``roots``.
    """
    import numpy as np
    import soundfile as sf

    a = state.audio
    if a.get("type") != "file" or not a.get("path"):
        raise AudioRefused(f"cut {state.cut_id!r}: audio source type {a.get('type')!r} is not served")
    path = Path(a["path"]).resolve()
    if not any(path.is_relative_to(r) for r in roots):
        raise AudioRefused(f"cut {state.cut_id!r}: audio outside the dataset is not served")
    if not path.is_file():
        raise AudioRefused(f"cut {state.cut_id!r}: audio file missing")
    info = sf.info(str(path))
    sr = info.samplerate
    start, dur = float(a["start"]), float(a["duration"])
    before = min(context, start)
    after = max(0.0, min(context, float(a.get("recording_duration") or info.duration) - start - dur))
    lo, hi = round((start - before) * sr), round((start + dur + after) * sr)
    x, _ = sf.read(str(path), start=lo, stop=hi, dtype="float32", always_2d=True)
    ch = min(int(a.get("channel") or 0), x.shape[1] - 1)
    buf = io.BytesIO()
    sf.write(buf, np.ascontiguousarray(x[:, ch]), sr, format="WAV", subtype="PCM_16")
    return buf.getvalue(), before, after


def cut_payload(state: CutState) -> dict[str, Any]:
    """What the review page needs for one cut (values only; the page renders them as text)."""
    data = state.to_json()
    info = state.audio.get("info", {})
    data["info"] = info
    data["supervision_start"] = state.audio.get("supervision_start", 0.0)
    start = float(state.audio.get("start", 0.0))
    data["context_before"] = min(CONTEXT_S, start)
    data["audio_url"] = f"/api/audio/{state.cut_id}?r={state.revision}"
    return data


def create_app(dataset: Dataset, store: ReviewStore, *, secure_cookies: bool = False) -> FastAPI:
    """The review app for ``dataset`` backed by ``store`` (cuts must already be loaded, see :func:`open_review`)."""
    app = FastAPI(title=f"Tsukasa review: {dataset.name}", docs_url=None, redoc_url=None, openapi_url=None)
    env = _templates()
    roots = allowed_audio_roots(dataset)

    def render(name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(dataset=dataset.name, **ctx), status_code=status)

    @app.middleware("http")
    async def _guard(request: Request, call_next):  # noqa: ANN001, ANN202 - starlette middleware signature
        path = request.url.path
        if path not in PUBLIC_PATHS:
            found = store.session(request.cookies.get(SESSION_COOKIE, ""))
            if found is None:
                if path.startswith("/api/"):
                    return _headers(JSONResponse({"error": "login required"}, status_code=401))
                return _headers(RedirectResponse("/login", status_code=303))
            request.state.user, request.state.csrf = found
            if request.method not in ("GET", "HEAD"):
                sent = request.headers.get("x-csrf-token", "")
                if not hmac.compare_digest(sent.encode(), found[1].encode()):
                    return _headers(JSONResponse({"error": "missing or wrong CSRF token"}, status_code=403))
        return _headers(await call_next(request))

    # --- login ------------------------------------------------------------------------------
    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request) -> Response:
        # Reuse a pending token: the browser's own requests (favicon) also land here and must not
        # replace the token the open form carries.
        token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
        resp = render("login.html", csrf=token, error=None)
        resp.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure_cookies)
        return resp

    @app.post("/login")
    async def login(request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()}
        cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if not cookie or not hmac.compare_digest(form.get("csrf", "").encode(), cookie.encode()):
            return render("login.html", status=403, csrf=cookie, error="The form expired: please try again.")
        user = store.authenticate(form.get("username", ""), form.get("password", ""))
        if user is None:
            return render("login.html", status=401, csrf=cookie, error="Wrong user name or password.")
        token, _ = store.create_session(user)
        resp = RedirectResponse("/review", status_code=303)
        resp.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", secure=secure_cookies)
        resp.delete_cookie(LOGIN_CSRF_COOKIE)
        return resp

    @app.post("/logout")
    def logout(request: Request) -> Response:
        store.end_session(request.cookies.get(SESSION_COOKIE, ""))
        resp = JSONResponse({"ok": True})
        resp.delete_cookie(SESSION_COOKIE)
        return resp

    # --- pages ------------------------------------------------------------------------------
    @app.get("/")
    def index() -> Response:
        return RedirectResponse("/review", status_code=303)

    @app.get("/review", response_class=HTMLResponse)
    def review_page(request: Request, cut: str | None = None) -> Response:
        return render("review.html", user=request.state.user, csrf=request.state.csrf, start_cut=cut or "")

    @app.get("/list", response_class=HTMLResponse)
    def list_page(
        request: Request,
        status: str | None = None,
        flag: str | None = None,
        speaker: str | None = None,
        cer_min: str | None = None,
        cer_max: str | None = None,
        page: int = 1,
    ) -> Response:
        per_page = 100
        lo, hi = _float_or_none(cer_min), _float_or_none(cer_max)
        rows, total = store.list_cuts(
            status=status or None,
            flag=flag or None,
            speaker=speaker or None,
            cer_min=lo,
            cer_max=hi,
            limit=per_page,
            offset=(max(page, 1) - 1) * per_page,
        )
        filters = {"status": status or "", "flag": flag or "", "speaker": speaker or "",
                   "cer_min": cer_min or "", "cer_max": cer_max or ""}  # fmt: skip
        return render(
            "list.html",
            user=request.state.user,
            csrf=request.state.csrf,
            rows=rows,
            total=total,
            page=max(page, 1),
            pages=max(1, -(-total // per_page)),
            filters=filters,
            speakers=store.speakers(),
            progress=store.progress(),
            users=store.users() if request.state.user.role == "admin" else [],
        )

    @app.get("/static/{name}")
    def static(name: str) -> Response:
        if name not in STATIC_FILES:
            return JSONResponse({"error": "not found"}, status_code=404)
        return Response((_HERE / "static" / name).read_bytes(), media_type=STATIC_FILES[name])

    # --- API --------------------------------------------------------------------------------
    @app.get("/api/cuts/next")
    def next_cut(request: Request, after: str | None = None) -> Response:
        state = store.next_cut(request.state.user.name, after=after or None)
        return JSONResponse({"cut": cut_payload(state) if state else None})

    @app.get("/api/cuts/{cut_id}")
    def get_cut(cut_id: str) -> Response:
        try:
            return JSONResponse({"cut": cut_payload(store.get_cut(cut_id))})
        except TsukasaError as exc:
            return JSONResponse({"error": str(exc)}, status_code=404)

    @app.get("/api/cuts/{cut_id}/neighbour")
    def neighbour(cut_id: str, direction: str = "next") -> Response:
        if direction not in ("prev", "next"):
            return JSONResponse({"error": "direction must be prev or next"}, status_code=400)
        try:
            state = store.neighbour(cut_id, direction)  # type: ignore[arg-type]
        except TsukasaError as exc:
            return JSONResponse({"error": str(exc)}, status_code=404)
        return JSONResponse({"cut": cut_payload(state) if state else None})

    @app.get("/api/cuts/{cut_id}/events")
    def cut_events(cut_id: str) -> Response:
        return JSONResponse({"events": [e.to_json() for e in store.events(cut_id)]})

    @app.post("/api/cuts/{cut_id}/review")
    async def review(request: Request, cut_id: str) -> Response:
        body = await _json(request)
        if body is None:
            return JSONResponse({"error": "expected a JSON object"}, status_code=400)
        base_revision = body.get("base_revision", -1)
        if isinstance(base_revision, bool) or not isinstance(base_revision, int):
            return JSONResponse({"error": "base_revision must be an integer (the revision the edit starts from)"}, 400)
        try:
            store.record(
                cut_id,
                request.state.user.name,
                base_revision=base_revision,
                decision=body.get("decision", ""),
                changes=body.get("changes") or {},
                reason=body.get("reason") or None,
            )
        except ReviewConflict as exc:
            current = cut_payload(store.get_cut(cut_id))
            theirs = [e.to_json() for e in exc.theirs]
            return JSONResponse({"error": str(exc), "conflict": True, "theirs": theirs, "cut": current}, 409)
        except (TsukasaError, ValueError, TypeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse({"cut": cut_payload(store.get_cut(cut_id))})

    @app.post("/api/phonemize")
    async def phonemize_preview(request: Request) -> Response:
        from tsukasa.pipelines.textfront import phonemize

        body = await _json(request)
        text = (body or {}).get("text", "")
        if not isinstance(text, str) or len(text) > 2000:
            return JSONResponse({"error": "text must be a string of at most 2000 characters"}, status_code=400)
        if not text.strip():
            return JSONResponse({"kana": "", "phonemes": [], "prosody": ""})
        try:
            # labels of a recording, as the phonemize stage makes them: pauses where the text marks
            # them, not the phrase breaks guessed for synthesis (the audio's own pauses are not guessed)
            p = phonemize(text, phrase_breaks=False)
        except TsukasaError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse({"kana": p.kana, "phonemes": list(p.phonemes), "prosody": p.prosody})

    @app.get("/api/audio/{cut_id}")
    def audio(cut_id: str) -> Response:
        if "/" in cut_id or "\\" in cut_id or cut_id in (".", ".."):
            return JSONResponse({"error": "invalid cut id"}, status_code=400)
        try:
            state = store.get_cut(cut_id)
        except TsukasaError:
            return JSONResponse({"error": "no such cut"}, status_code=404)
        try:
            wav, _, _ = audio_clip(state, roots)
        except AudioRefused as exc:
            return JSONResponse({"error": str(exc)}, status_code=403)
        return Response(wav, media_type="audio/wav", headers={"Cache-Control": "private, max-age=3600"})

    @app.get("/api/progress")
    def progress() -> Response:
        return JSONResponse(store.progress())

    @app.post("/api/assign")
    async def assign(request: Request) -> Response:
        if request.state.user.role != "admin":
            return JSONResponse({"error": "only an admin can assign work"}, status_code=403)
        body = await _json(request) or {}
        try:
            count = int(body["count"]) if body.get("count") not in (None, "") else None
            n = store.assign(str(body.get("annotator", "")), count=count, cut_ids=body.get("cut_ids"))
        except (TsukasaError, ValueError, TypeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse({"assigned": n})

    return app


def _headers(resp: Response) -> Response:
    resp.headers["Content-Security-Policy"] = CSP
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["X-Frame-Options"] = "DENY"
    resp.headers["Referrer-Policy"] = "no-referrer"
    if "cache-control" not in resp.headers:
        resp.headers["Cache-Control"] = "no-store"
    return resp


async def _json(request: Request) -> dict[str, Any] | None:
    import json

    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _float_or_none(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def open_review(name: str, *, root: Path | None = None, db: str | None = None) -> tuple[Dataset, ReviewStore]:
    """Open the dataset and its review store; a new store is filled with the current version's cuts.

    A store that already holds cuts keeps serving the version it was filled from (its
    ``base_version``), even after a run made a newer one: decisions are carried onto a newer
    version by ``review export --onto-current``, not by reloading the queue.
    """
    dataset = Dataset.open(name, root)
    store = ReviewStore.open(db or default_url(dataset.path))
    if dataset.current_version is None:
        raise TsukasaError(f"dataset {name!r} has no version to review yet")
    if store.base_version is None:
        store.load_cuts(dataset.cuts(), dataset.current_version)
    return dataset, store


def serve(
    name: str, *, root: Path | None = None, db: str | None = None, host: str = "127.0.0.1", port: int = 8765
) -> None:
    """``tsukasa review serve NAME``: run the review app with uvicorn until interrupted."""
    import uvicorn

    dataset, store = open_review(name, root=root, db=db)
    if not store.users():
        raise TsukasaError(f"no review users yet: run `tsukasa review user add {name} USER --role admin` first")
    print(f"Review app for {name!r} ({store.count()} cuts) on http://{host}:{port}/  (Ctrl+C stops)")
    uvicorn.run(create_app(dataset, store), host=host, port=port, log_level="warning")
