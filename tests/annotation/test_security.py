"""Security of the review app: auth on every route, CSRF, escaping, audio confined to the dataset."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from lhotse.utils import fastcopy

from tsukasa.annotation.app import CSP, PUBLIC_PATHS, AudioRefused, allowed_audio_roots, audio_clip
from tsukasa.annotation.store import cut_row


def logged_in(app, user: str = "alice", password: str = "alice-password") -> tuple[TestClient, str]:
    client = TestClient(app)
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    resp = client.post(
        "/login",
        content=f"csrf={token}&username={user}&password={password}",
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert resp.status_code == 303, resp.text
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/review").text).group(1)
    return client, csrf


def test_every_route_but_login_requires_auth(review_app):
    _, store, app = review_app
    cut_id = store.next_cut("alice").cut_id
    routes = [(r.path, m) for r in app.routes for m in getattr(r, "methods", ())]
    assert len(routes) >= 15
    anonymous = TestClient(app)
    checked = 0
    for path, method in routes:
        url = path.replace("{cut_id}", cut_id).replace("{name}", "review.js")
        resp = anonymous.request(method, url, follow_redirects=False)
        if path in PUBLIC_PATHS:
            assert resp.status_code in (200, 403), (method, path)  # the login form, or a POST without its token
            continue
        assert resp.status_code in (401, 303), (method, path, resp.status_code)
        if resp.status_code == 303:
            assert resp.headers["location"] == "/login"
        assert cut_id not in resp.text
        checked += 1
    assert checked >= 13


def test_wrong_password_and_missing_login_token_are_refused(review_app):
    _, _, app = review_app
    client = TestClient(app)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    form = {"content-type": "application/x-www-form-urlencoded"}
    bad = client.post("/login", content=f"csrf={token}&username=alice&password=nope", headers=form)
    assert bad.status_code == 401 and "session" not in str(bad.cookies)
    no_token = client.post("/login", content="username=alice&password=alice-password", headers=form)
    assert no_token.status_code == 403
    assert client.get("/api/progress").status_code == 401


def test_post_without_csrf_token_is_refused(review_app):
    _, store, app = review_app
    client, csrf = logged_in(app)
    cut = store.next_cut("alice")
    body = {"base_revision": 0, "decision": "accept", "changes": {"text": "x"}}
    url = f"/api/cuts/{cut.cut_id}/review"
    assert client.post(url, json=body).status_code == 403
    assert client.post(url, json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert store.events() == []
    ok = client.post(url, json=body, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 200 and ok.json()["cut"]["status"] == "edited"
    again = client.post(url, json=body, headers={"X-CSRF-Token": csrf})  # stale base revision
    assert again.status_code == 409 and again.json()["theirs"][0]["annotator"] == "alice"
    # a malformed revision is named (it was Python's "invalid literal for int() with base 10")
    bad = client.post(url, json={**body, "base_revision": "x"}, headers={"X-CSRF-Token": csrf})
    assert bad.status_code == 400 and bad.json()["error"].startswith("base_revision must be an integer")


def test_annotator_cannot_assign_work(review_app):
    _, _, app = review_app
    client, csrf = logged_in(app)
    resp = client.post("/api/assign", json={"annotator": "alice", "count": 2}, headers={"X-CSRF-Token": csrf})
    assert resp.status_code == 403
    admin, admin_csrf = logged_in(app, "root", "root-password")
    resp = admin.post("/api/assign", json={"annotator": "alice", "count": 2}, headers={"X-CSRF-Token": admin_csrf})
    assert resp.json() == {"assigned": 2}


def test_script_in_transcript_renders_as_text(review_app):
    _, _, app = review_app
    client, _ = logged_in(app)
    page = client.get("/list")
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page.text
    assert "<script>window.__pwned" not in page.text
    assert page.headers["content-security-policy"] == CSP and "unsafe-inline" not in CSP
    filtered = client.get("/list", params={"flag": '"><script>alert(1)</script>'})
    assert "<script>alert(1)" not in filtered.text and "&lt;script&gt;alert(1)" in filtered.text
    # the page scripts never put data into innerHTML
    for name in ("review.js", "list.js"):
        assert "innerHTML" not in client.get(f"/static/{name}").text


@pytest.mark.parametrize(
    "path",
    ["/api/audio/..%2F..%2F..%2Fetc%2Fpasswd", "/api/audio/../../etc/passwd", "/api/audio/..",
     "/api/audio/%2Fetc%2Fpasswd",
     "/static/..%2Fstore.py", "/static/../store.py"],
)  # fmt: skip
def test_path_traversal_is_refused(review_app, path):
    _, _, app = review_app
    client, _ = logged_in(app)
    resp = client.get(path)
    assert resp.status_code in (400, 403, 404)
    assert b"root:" not in resp.content and b"ReviewStore" not in resp.content


def test_audio_is_served_only_from_the_dataset(review_app, tmp_path):
    ds, store, app = review_app
    client, _ = logged_in(app)
    cut = store.next_cut("alice")
    resp = client.get(f"/api/audio/{cut.cut_id}")
    assert resp.status_code == 200 and resp.content[:4] == b"RIFF"
    # a manifest pointing outside the dataset (e.g. a tampered recording path) is refused
    outside = tmp_path / "elsewhere.wav"
    outside.write_bytes(b"RIFF" + b"\0" * 64)
    src_cut = ds.cuts().to_eager()[0]
    rec = src_cut.recording
    evil = fastcopy(
        src_cut, id="evil", recording=fastcopy(rec, sources=[fastcopy(rec.sources[0], source=str(outside))])
    )
    store.load_cuts([evil], ds.current_version)
    assert client.get("/api/audio/evil").status_code == 403
    with pytest.raises(AudioRefused, match="outside the dataset"):
        audio_clip(store.get_cut("evil"), allowed_audio_roots(ds))
    assert cut_row(evil)["audio"]["path"] == str(outside)
