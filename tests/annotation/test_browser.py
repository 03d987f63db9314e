"""End to end in headless Chromium: a reviewer's session, then the export holds exactly their work."""

from __future__ import annotations

from tsukasa.annotation.export import export_reviews
from tsukasa.corpus.schema import read_supervision_custom


def login(page, base: str, user: str, password: str) -> None:
    page.goto(base + "/login")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("#login")
    page.wait_for_url(base + "/review*")
    page.wait_for_function("() => window.tsukasaReview && window.tsukasaReview.cut && window.tsukasaReview.buffer")


def current_cut(page) -> str:
    return page.evaluate("window.tsukasaReview.cut.cut_id")


def wait_for_new_cut(page, old: str) -> None:
    page.wait_for_function(
        "(old) => { const s = window.tsukasaReview; return s.cut && s.cut.cut_id !== old && !s.loading; }", arg=old
    )


def test_review_session_then_export(live_app, browser):
    ds, store, server = live_app
    base_version = ds.current_version
    ctx = browser.new_context()
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, server.url, "alice", "alice-password")

    # cut 1: the waveform is drawn from decoded audio; play it with the keyboard
    first = current_cut(page)
    assert page.evaluate("window.tsukasaReview.buffer.duration") > 1.0
    painted = page.evaluate(
        "(() => { const c = document.getElementById('wave'); const d = c.getContext('2d')"
        ".getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4)"
        " if (d[i] > 0) n++; return n; })()"
    )
    assert painted > 1000
    page.keyboard.press("]")  # speed up
    assert page.evaluate("document.getElementById('audio').playbackRate") == 1.25
    page.keyboard.press(" ")
    page.wait_for_function("() => document.getElementById('audio').currentTime > 0.6")
    assert page.evaluate("document.getElementById('audio').paused") is False
    page.keyboard.press(" ")
    assert page.evaluate("document.getElementById('audio').paused") is True

    # edit the text with the keyboard; the live preview re-phonemizes it; accept with Enter
    page.keyboard.press("e")
    page.keyboard.press("Control+a")
    page.keyboard.type("こんばんは、今日はいい天気ですね。")
    page.wait_for_function("() => document.getElementById('preview-kana').textContent.startsWith('コンバンワ')")
    page.keyboard.press("Escape")
    page.keyboard.press("Enter")
    wait_for_new_cut(page, first)
    second = current_cut(page)
    # auto-play of the next cut
    page.wait_for_function(
        "() => !document.getElementById('audio').paused || document.getElementById('audio').currentTime > 0"
    )

    # cut 2 is flagged: the flag shows what the stage found, not only its code
    flags_text = page.text_content("#flags")
    assert "script_mismatch 0.40" in flags_text and "reads like script row 3 (file b.wav" in flags_text
    # cut 2: reject with a reason, keyboard only
    page.keyboard.press("r")
    page.keyboard.type("wrong speaker")
    page.keyboard.press("Enter")
    wait_for_new_cut(page, second)
    third = current_cut(page)

    # cut 3: the transcript holding markup is shown as text and never runs; skip it with s
    assert page.input_value("#f-text") == "<script>window.__pwned = 1</script>"
    assert page.evaluate("window.__pwned === undefined")
    page.keyboard.press("s")
    wait_for_new_cut(page, third)
    fourth = current_cut(page)
    page.keyboard.press("p")  # back to the skipped one, then forward again
    wait_for_new_cut(page, fourth)
    assert current_cut(page) == third
    assert not errors, errors
    ctx.close()

    # the list view shows per-annotator progress
    rows, total = store.list_cuts(status="pending")
    assert {r.cut_id for r in rows} == {third, fourth} and total == 2
    assert store.progress()["annotators"]["alice"] == {"edited": 1, "rejected": 1, "events": 2}

    record = export_reviews(ds, store)
    assert record.kind == "review" and record.parent == base_version
    before = {c.id: c for c in ds.cuts(base_version)}
    after = {c.id: c for c in ds.cuts(record.number)}
    assert set(after) == set(before) - {second}
    for cut_id in (third, fourth):
        assert after[cut_id].to_dict() == before[cut_id].to_dict()  # untouched
    edited = after[first].supervisions[0]
    assert edited.text == "こんばんは、今日はいい天気ですね。"
    custom = read_supervision_custom(edited)
    assert custom.kana.startswith("コンバンワ")
    assert custom.phonemes[:4] == ["k", "o", "N", "b"]
    assert custom.review.status == "edited" and custom.review.reviewer == "alice"
    assert custom.review.version == base_version
    old_custom = read_supervision_custom(before[first].supervisions[0])
    assert custom.nonverbal == old_custom.nonverbal and custom.quality == old_custom.quality
    rejected = [r for r in ds.rejected(record.number) if r.reason == "review_rejected"]
    assert [r.id for r in rejected] == [second]
    assert "wrong speaker" in rejected[0].detail
    assert read_supervision_custom_dict(rejected[0].item)["review"]["status"] == "rejected"


def read_supervision_custom_dict(item: dict) -> dict:
    return item["supervisions"][0]["custom"]


def test_conflict_between_two_sessions(live_app, browser):
    ds, store, server = live_app
    pages = []
    for user in ("alice", "carol"):
        ctx = browser.new_context()
        page = ctx.new_page()
        login(page, server.url, user, f"{user}-password")
        pages.append(page)
    a, c = pages
    assert current_cut(a) == current_cut(c)  # both opened the same cut at revision 0
    cut_id = current_cut(a)
    a.fill("#f-text", "アリスの修正")
    a.keyboard.press("Escape")
    a.keyboard.press("Enter")
    wait_for_new_cut(a, cut_id)

    c.fill("#f-text", "キャロルの修正")
    c.keyboard.press("Escape")
    c.keyboard.press("Enter")
    c.wait_for_selector("#conflict:not([hidden])")
    shown = c.text_content("#conflict-list")
    assert "alice" in shown and "アリスの修正" in shown
    assert store.get_cut(cut_id).current["text"] == "アリスの修正"  # no lost update
    # carol saw the change; saving again puts hers on top, and both stay in the event log
    c.keyboard.press("Enter")
    wait_for_new_cut(c, cut_id)
    assert store.get_cut(cut_id).current["text"] == "キャロルの修正"
    assert [(e.annotator, e.changes["text"]["new"]) for e in store.events(cut_id)] == [
        ("alice", "アリスの修正"),
        ("carol", "キャロルの修正"),
    ]
    for p in pages:
        p.context.close()
