"""Label Studio JSON: export tasks, edit them as Label Studio would, import the annotations back."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import soundfile as sf

from tsukasa.annotation.app import allowed_audio_roots
from tsukasa.annotation.labelstudio import export_labelstudio, import_labelstudio
from tsukasa.annotation.store import ReviewStore, default_url


def test_labelstudio_round_trip(review_dataset, tmp_path):
    ds = review_dataset
    store = ReviewStore.open(default_url(ds.path))
    store.load_cuts(ds.cuts(), ds.current_version)
    out = tmp_path / "ls" / "tasks.json"
    n = export_labelstudio(store, out, clips_dir=tmp_path / "ls" / "clips", roots=allowed_audio_roots(ds))
    assert n == 4
    tasks = json.loads(out.read_text(encoding="utf-8"))
    config = ET.fromstring(out.with_suffix(".config.xml").read_text(encoding="utf-8"))
    names = {el.get("name") for el in config.iter() if el.get("name")}
    for task in tasks:  # every result refers to a control the config declares
        for item in task["predictions"][0]["result"]:
            assert item["from_name"] in names and item["to_name"] == "audio"
    first, second, third, fourth = tasks
    assert first["data"]["audio"] == f"/data/local-files/?d={first['data']['cut_id']}.wav"
    clip = tmp_path / "ls" / "clips" / f"{first['data']['cut_id']}.wav"
    assert abs(sf.info(clip).duration - store.get_cut(first["data"]["cut_id"]).duration) < 0.01
    regions = [r for r in first["predictions"][0]["result"] if r["type"] == "labels"]
    assert [(r["value"]["start"], r["value"]["labels"]) for r in regions] == [(0.1, ["breath"])]

    # Label Studio's export: predictions reviewed into annotations
    def annotate(task, result, who):
        task["annotations"] = [{"id": 1, "completed_by": {"email": who}, "was_cancelled": False,
                                "created_at": "2026-11-25T10:00:00Z", "result": result}]  # fmt: skip

    r1 = [dict(r) for r in first["predictions"][0]["result"]]  # unchanged breath region, edited text, a laugh
    r1[0] = {**r1[0], "value": {"text": ["修正したテキスト"]}}
    r1.append({"id": "new", "from_name": "nonverbal", "to_name": "audio", "type": "labels",
               "value": {"start": 1.0, "end": 1.4, "channel": 0, "labels": ["laugh"]}})  # fmt: skip
    annotate(first, r1, "ann@example.org")
    annotate(second, [*second["predictions"][0]["result"],
                      {"from_name": "decision", "to_name": "audio", "type": "choices",
                       "value": {"choices": ["reject"]}},
                      {"from_name": "reason", "to_name": "audio", "type": "textarea", "value": {"text": ["noisy"]}}],
             "ann@example.org")  # fmt: skip
    annotate(third, third["predictions"][0]["result"], "ann@example.org")
    # fourth: no annotation → skipped
    # meanwhile the third cut is edited in Tsukasa → its Label Studio annotation must not overwrite it
    store.record(third["data"]["cut_id"], "alice", base_revision=0, decision="accept", changes={"text": "先に直した"})
    exported = tmp_path / "ls_export.json"
    exported.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")

    report = import_labelstudio(store, exported)
    assert report.applied == [first["data"]["cut_id"], second["data"]["cut_id"]]
    assert report.conflicts == [third["data"]["cut_id"]] and report.skipped == [fourth["data"]["cut_id"]]
    s1 = store.get_cut(first["data"]["cut_id"])
    assert s1.current["text"] == "修正したテキスト" and s1.reviewer == "labelstudio:ann@example.org"
    assert s1.current["nonverbal"] == [
        {"start": 0.1, "end": 0.3, "kind": "breath", "source": "audio", "confidence": 0.9},  # kept as it was
        {"start": 1.0, "end": 1.4, "kind": "laugh", "source": "human"},
    ]
    ev = store.events(first["data"]["cut_id"])[0]
    assert set(ev.changes) == {"text", "nonverbal"}
    s2 = store.get_cut(second["data"]["cut_id"])
    assert (s2.status, s2.reason) == ("rejected", "noisy")
    assert store.get_cut(third["data"]["cut_id"]).current["text"] == "先に直した"

    # export again: the tasks carry the reviewed state
    export_labelstudio(store, out)
    again = json.loads(out.read_text(encoding="utf-8"))
    assert again[0]["data"]["revision"] == 1 and again[1]["data"]["status"] == "rejected"
    assert again[0]["predictions"][0]["result"][0]["value"]["text"] == ["修正したテキスト"]
    store.close()
