"""The review app's live re-phonemize: the labels an edited transcript gets."""

from __future__ import annotations

from tests.annotation.test_security import logged_in


def test_preview_labels_a_recording_as_the_phonemize_stage_does(review_app):
    """An edited transcript labels recorded audio: pauses where the text marks them, as the
    phonemize stage makes them, not the phrase breaks phonemize() guesses for synthesis."""
    _, _, app = review_app
    client, csrf = logged_in(app)
    text = "連邦政府の予算削減は社会保障の給付に影響が及ぶでしょう。"  # a phrase break for synthesis
    resp = client.post("/api/phonemize", json={"text": text}, headers={"X-CSRF-Token": csrf})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["kana"] == "レンポーセーフノヨサンサクゲンワシャカイホショーノキューフニエーキョーガオヨブデショー"
    assert "pau" not in body["phonemes"]
    marked = client.post("/api/phonemize", json={"text": "今日は、雨。"}, headers={"X-CSRF-Token": csrf}).json()
    assert marked["kana"] == "キョーワ、アメ" and marked["phonemes"].count("pau") == 1
