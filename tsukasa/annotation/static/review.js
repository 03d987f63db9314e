// Tsukasa review page. Plain JS, no build step.
// Rule: data from the server is only ever put into the page with textContent or .value,
// never as HTML markup, so a transcript holding markup stays text.
"use strict";

const $ = (id) => document.getElementById(id);
const csrf = document.querySelector('meta[name="csrf-token"]').content;
const KINDS = ["pause", "breath", "sigh", "laugh", "gasp", "cough", "cry", "scream", "hum", "music", "noise", "other"];
const COLORS = { breath: "#4a90d9", laugh: "#e5a000", sigh: "#8a5cc9", pause: "#999999", gasp: "#d0453b" };

const state = {
  cut: null,          // cut payload from the API
  buffer: null,       // decoded AudioBuffer (for the waveform)
  blobUrl: null,
  nonverbal: [],      // the events being edited (times relative to the supervision start)
  kanaTouched: false, // a hand-edited reading is not overwritten by the live preview
  prefetched: null,   // {cut, bytes} for the most likely next cut
  drag: null,
  loading: false,
};
window.tsukasaReview = state; // for tests and debugging

async function api(path, opts = {}) {
  const init = { credentials: "same-origin", headers: {} };
  if (opts.body !== undefined) {
    init.method = "POST";
    init.headers["Content-Type"] = "application/json";
    init.headers["X-CSRF-Token"] = csrf;
    init.body = JSON.stringify(opts.body);
  }
  const resp = await fetch(path, init);
  if (resp.status === 401) { window.location = "/login"; throw new Error("login required"); }
  const data = await resp.json();
  return { status: resp.status, data };
}

function message(text, isError = false) {
  const m = $("message");
  m.textContent = text;
  m.className = isError ? "error" : "";
}

// --- loading a cut -----------------------------------------------------------------------
async function fetchAudio(cut) {
  const resp = await fetch(cut.audio_url, { credentials: "same-origin" });
  if (!resp.ok) throw new Error("audio refused: " + resp.status);
  return await resp.arrayBuffer();
}

async function decode(bytes) {
  const Ctx = window.OfflineAudioContext || window.webkitOfflineAudioContext;
  const ctx = new Ctx(1, 1, 44100);
  return await ctx.decodeAudioData(bytes.slice(0));
}

async function showCut(cut, bytes, autoplay) {
  state.loading = true;
  state.cut = cut;
  $("conflict").hidden = true;
  if (!cut) {
    $("cut-id").textContent = "";
    $("cut-meta").textContent = "";
    $("status").textContent = "";
    message("Nothing left to review in your queue.");
    state.loading = false;
    return;
  }
  history.replaceState(null, "", "/review?cut=" + encodeURIComponent(cut.cut_id));
  $("cut-id").textContent = cut.cut_id;
  $("cut-meta").textContent = `${cut.speaker || "?"} · ${cut.duration.toFixed(2)} s · rev ${cut.revision}`;
  $("status").textContent = cut.status + (cut.reviewer ? " by " + cut.reviewer : "") + (cut.reason ? ": " + cut.reason : "");
  $("status").className = "badge " + cut.status;
  fillFields(cut.current);
  $("reason").value = "";
  $("asr-text").textContent = cut.info.asr_text || "—";
  $("script-text").textContent = cut.info.script_text || "—";
  $("romaji").textContent = cut.info.romaji || "—";
  const flags = $("flags");
  flags.replaceChildren();
  for (const f of cut.info.flags || []) {
    const s = document.createElement("span");
    s.textContent = f.code + (f.value !== undefined ? " " + Number(f.value).toFixed(2) : "");
    if (f.detail) {  // what the stage found, e.g. which script row a mislabelled file reads like
      const d = document.createElement("small");
      d.className = "flag-detail";
      d.textContent = " — " + f.detail;
      s.appendChild(d);
    }
    flags.appendChild(s);
  }
  const q = Object.assign({}, cut.info.quality);
  if (cut.cer !== null) q.cer = cut.cer;
  $("quality").textContent = Object.entries(q).map(([k, v]) => `${k}=${typeof v === "number" ? v.toFixed(2) : JSON.stringify(v)}`).join("  ");
  message("");
  try {
    bytes = bytes || await fetchAudio(cut);
    if (state.blobUrl) URL.revokeObjectURL(state.blobUrl);
    state.blobUrl = URL.createObjectURL(new Blob([bytes], { type: "audio/wav" }));
    const audio = $("audio");
    audio.src = state.blobUrl;
    audio.playbackRate = Number($("speed").value);
    audio.preservesPitch = true;
    state.buffer = await decode(bytes);
  } catch (err) {
    state.buffer = null;
    message(String(err), true);
  }
  draw();
  state.loading = false;
  if (autoplay && $("autoplay").checked) play();
  prefetch();
}

function fillFields(values) {
  $("f-text").value = values.text || "";
  $("f-kana").value = values.kana || "";
  $("f-phonemes").value = (values.phonemes || []).join(" ");
  $("f-prosody").value = values.prosody || "";
  state.nonverbal = (values.nonverbal || []).map((e) => Object.assign({}, e));
  state.kanaTouched = false;
  $("preview-kana").textContent = "";
  $("preview-phonemes").textContent = "";
  renderEvents();
}

async function prefetch() {
  if (!state.cut) return;
  const cutId = state.cut.cut_id;
  try {
    const { data } = await api("/api/cuts/next?after=" + encodeURIComponent(cutId));
    if (!data.cut || !state.cut || state.cut.cut_id !== cutId) return;
    const bytes = await fetchAudio(data.cut);
    state.prefetched = { cut: data.cut, bytes };
  } catch (err) { /* prefetch is only a speed-up; the real load reports errors */ }
}

async function loadNext(autoplay) {
  const after = state.cut ? state.cut.cut_id : "";
  const { data } = await api("/api/cuts/next?after=" + encodeURIComponent(after));
  const pre = state.prefetched;
  state.prefetched = null;
  const bytes = pre && data.cut && pre.cut.cut_id === data.cut.cut_id && pre.cut.revision === data.cut.revision ? pre.bytes : null;
  await showCut(data.cut, bytes, autoplay);
}

async function loadNeighbour(direction) {
  if (!state.cut) return loadNext(false);
  const { data } = await api(`/api/cuts/${encodeURIComponent(state.cut.cut_id)}/neighbour?direction=${direction}`);
  if (data.cut) await showCut(data.cut, null, true);
  else message(direction === "prev" ? "This is the first cut." : "This is the last cut.");
}

// --- playback ----------------------------------------------------------------------------
function cutBounds() {
  const c = state.cut;
  return [c.context_before, c.context_before + c.duration];
}

function play() {
  const audio = $("audio");
  if (!state.cut || !audio.src) return;
  const [s, e] = cutBounds();
  if (audio.currentTime < s - 0.01 || audio.currentTime >= e - 0.01) audio.currentTime = s;
  audio.play().catch((err) => message("cannot play: " + err, true));
}

function togglePlay() {
  const audio = $("audio");
  if (audio.paused) play(); else audio.pause();
}

function tick() {
  const audio = $("audio");
  if (state.cut && !audio.paused) {
    const [s, e] = cutBounds();
    if (audio.currentTime >= e) {
      if ($("loop").checked) audio.currentTime = s; else { audio.pause(); audio.currentTime = e; }
    }
  }
  $("play").textContent = audio.paused ? "Play" : "Pause";
  if (state.cut) $("time").textContent = Math.max(0, audio.currentTime - state.cut.context_before).toFixed(2) + " s";
  draw();
  requestAnimationFrame(tick);
}

function setSpeed(v) {
  v = Math.min(2, Math.max(0.5, v));
  $("speed").value = String(v);
  $("audio").playbackRate = v;
  $("speed-label").textContent = v.toFixed(2) + "×";
}

// --- waveform ----------------------------------------------------------------------------
function clipDuration() {
  return state.buffer ? state.buffer.duration : (state.cut ? state.cut.duration : 1);
}
function timeToX(t, w) { return (t / clipDuration()) * w; }
function xToTime(x, w) { return (x / w) * clipDuration(); }
function eventOffset() { return state.cut.context_before + (state.cut.supervision_start || 0); }

function draw() {
  const canvas = $("wave");
  const g = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height;
  g.clearRect(0, 0, w, h);
  if (!state.cut) return;
  const [s, e] = cutBounds();
  g.fillStyle = "#eee";
  g.fillRect(0, 0, timeToX(s, w), h);
  g.fillRect(timeToX(e, w), 0, w - timeToX(e, w), h);
  const off = eventOffset();
  state.nonverbal.forEach((ev, i) => {
    const x0 = timeToX(ev.start + off, w), x1 = timeToX(ev.end + off, w);
    g.fillStyle = (COLORS[ev.kind] || "#3a3") + "55";
    g.fillRect(x0, 0, Math.max(2, x1 - x0), h);
    g.fillStyle = "#222";
    g.font = "12px sans-serif";
    g.fillText(`${i + 1} ${ev.kind}`, x0 + 2, 12);
  });
  if (state.buffer) {
    const data = state.buffer.getChannelData(0);
    const step = Math.max(1, Math.floor(data.length / w));
    g.strokeStyle = "#20303f";
    g.beginPath();
    for (let x = 0; x < w; x++) {
      let lo = 1, hi = -1;
      const base = x * step;
      for (let j = 0; j < step && base + j < data.length; j++) {
        const v = data[base + j];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      g.moveTo(x + 0.5, (1 - hi) * h / 2);
      g.lineTo(x + 0.5, (1 - lo) * h / 2);
    }
    g.stroke();
  }
  const t = $("audio").currentTime;
  g.strokeStyle = "#d00";
  g.beginPath();
  g.moveTo(timeToX(t, w), 0);
  g.lineTo(timeToX(t, w), h);
  g.stroke();
}

function canvasX(evt) {
  const r = $("wave").getBoundingClientRect();
  return ((evt.clientX - r.left) / r.width) * $("wave").width;
}

function onMouseDown(evt) {
  if (!state.cut) return;
  const w = $("wave").width, x = canvasX(evt), off = eventOffset();
  for (let i = 0; i < state.nonverbal.length; i++) {  // grab an event edge within 5 px
    const ev = state.nonverbal[i];
    for (const edge of ["start", "end"]) {
      if (Math.abs(timeToX(ev[edge] + off, w) - x) <= 5) { state.drag = { i, edge }; return; }
    }
  }
  if (evt.shiftKey) {
    const t = Math.max(0, xToTime(x, w) - off);
    state.nonverbal.push({ start: t, end: t, kind: "breath", source: "human" });
    state.drag = { i: state.nonverbal.length - 1, edge: "end", created: true };
    return;
  }
  $("audio").currentTime = Math.max(0, Math.min(clipDuration(), xToTime(x, w)));
}

function onMouseMove(evt) {
  if (!state.drag) return;
  const w = $("wave").width, ev = state.nonverbal[state.drag.i];
  const t = Math.max(0, Math.min(state.cut.duration, xToTime(canvasX(evt), w) - eventOffset()));
  ev[state.drag.edge] = round3(t);
  ev.source = "human";
  delete ev.confidence;
}

function onMouseUp() {
  if (!state.drag) return;
  const ev = state.nonverbal[state.drag.i];
  if (ev.end < ev.start) [ev.start, ev.end] = [ev.end, ev.start];
  if (state.drag.created && ev.end - ev.start < 0.01) state.nonverbal.splice(state.drag.i, 1);
  state.drag = null;
  renderEvents();
}

function round3(x) { return Math.round(x * 1000) / 1000; }

// --- non-verbal table --------------------------------------------------------------------
function renderEvents() {
  const body = $("nv-table").querySelector("tbody");
  body.replaceChildren();
  state.nonverbal.forEach((ev, i) => {
    const tr = document.createElement("tr");
    for (const key of ["start", "end"]) {
      const td = document.createElement("td");
      const inp = document.createElement("input");
      inp.type = "number"; inp.step = "0.01"; inp.min = "0"; inp.value = String(ev[key]);
      inp.className = "nv-" + key;
      inp.addEventListener("change", () => { ev[key] = round3(Number(inp.value)); ev.source = "human"; delete ev.confidence; });
      td.appendChild(inp); tr.appendChild(td);
    }
    const td = document.createElement("td");
    const sel = document.createElement("select");
    sel.className = "nv-kind";
    for (const k of KINDS) { const o = document.createElement("option"); o.value = k; o.textContent = k; sel.appendChild(o); }
    sel.value = ev.kind;
    sel.addEventListener("change", () => { ev.kind = sel.value; ev.source = "human"; delete ev.confidence; });
    td.appendChild(sel); tr.appendChild(td);
    const tdDel = document.createElement("td");
    const del = document.createElement("button");
    del.type = "button"; del.textContent = "×"; del.className = "nv-del";
    del.addEventListener("click", () => { state.nonverbal.splice(i, 1); renderEvents(); });
    tdDel.appendChild(del); tr.appendChild(tdDel);
    body.appendChild(tr);
  });
}

function addEventAtPlayhead(kind) {
  if (!state.cut) return;
  const t = Math.max(0, round3($("audio").currentTime - eventOffset()));
  state.nonverbal.push({ start: t, end: round3(Math.min(state.cut.duration, t + 0.2)), kind, source: "human" });
  renderEvents();
}

// --- live re-phonemize -------------------------------------------------------------------
let phonemizeTimer = null;
let phonemizeSeq = 0;
function onTextInput() {
  clearTimeout(phonemizeTimer);
  phonemizeTimer = setTimeout(async () => {
    const seq = ++phonemizeSeq;
    const { status, data } = await api("/api/phonemize", { body: { text: $("f-text").value } });
    if (seq !== phonemizeSeq) return;  // a newer keystroke already asked
    if (status !== 200) { $("preview-kana").textContent = data.error; return; }
    $("preview-kana").textContent = data.kana;
    $("preview-phonemes").textContent = data.phonemes.join(" ");
    if (!state.kanaTouched) {
      $("f-kana").value = data.kana;
      $("f-phonemes").value = data.phonemes.join(" ");
      $("f-prosody").value = data.prosody;
    }
  }, 150);
}

async function flushPreview() {
  // Saving right after typing must not race the debounce: run the pending preview now.
  if (phonemizeTimer !== null) {
    clearTimeout(phonemizeTimer);
    phonemizeTimer = null;
    if (!state.kanaTouched && $("f-text").value !== (state.cut.current.text || "")) {
      const { status, data } = await api("/api/phonemize", { body: { text: $("f-text").value } });
      if (status === 200) {
        $("f-kana").value = data.kana;
        $("f-phonemes").value = data.phonemes.join(" ");
        $("f-prosody").value = data.prosody;
      }
    }
  }
}

// --- deciding ----------------------------------------------------------------------------
function collectChanges() {
  const cur = state.cut.current;
  const form = {
    text: $("f-text").value,
    kana: $("f-kana").value || null,
    phonemes: $("f-phonemes").value.trim() ? $("f-phonemes").value.trim().split(/\s+/) : null,
    prosody: $("f-prosody").value || null,
    nonverbal: state.nonverbal.map((e) => Object.assign({}, e)).sort((a, b) => a.start - b.start || a.end - b.end),
  };
  const changes = {};
  for (const [k, v] of Object.entries(form)) {
    if (JSON.stringify(v) !== JSON.stringify(cur[k] === undefined ? null : cur[k])) changes[k] = v;
  }
  return changes;
}

async function decide(decision) {
  if (!state.cut || state.loading) return;
  const reason = $("reason").value.trim();
  if (decision === "reject" && !reason) {
    message("Type a reason first (r), then press Enter.", true);
    $("reason").focus();
    return;
  }
  await flushPreview();
  const body = { base_revision: state.cut.revision, decision, changes: collectChanges(), reason: reason || null };
  const { status, data } = await api(`/api/cuts/${encodeURIComponent(state.cut.cut_id)}/review`, { body });
  if (status === 409) return showConflict(data);
  if (status !== 200) return message(data.error || "save failed", true);
  message(`${decision === "accept" ? "Saved" : "Rejected"} ${data.cut.cut_id} (${data.cut.status}).`);
  document.activeElement && document.activeElement.blur();
  await loadNext(true);
}

function showConflict(data) {
  // Keep what the user typed; take the latest revision so a second save goes on top of it.
  state.cut = data.cut;
  $("cut-meta").textContent = `${data.cut.speaker || "?"} · ${data.cut.duration.toFixed(2)} s · rev ${data.cut.revision}`;
  $("status").textContent = data.cut.status + (data.cut.reviewer ? " by " + data.cut.reviewer : "");
  $("conflict").hidden = false;
  $("conflict-text").textContent = data.error;
  const list = $("conflict-list");
  list.replaceChildren();
  for (const ev of data.theirs) {
    for (const [field, change] of Object.entries(ev.changes)) {
      const li = document.createElement("li");
      li.textContent = `${ev.annotator} (${ev.status}) ${field}: ${JSON.stringify(change.old)} → ${JSON.stringify(change.new)}`;
      list.appendChild(li);
    }
    if (!Object.keys(ev.changes).length) {
      const li = document.createElement("li");
      li.textContent = `${ev.annotator}: ${ev.status}${ev.reason ? " (" + ev.reason + ")" : ""}`;
      list.appendChild(li);
    }
  }
  message("Conflict: someone else saved this cut first.", true);
}

// --- keyboard ----------------------------------------------------------------------------
function inField(el) {
  return el && (el.tagName === "TEXTAREA" || el.tagName === "INPUT" || el.tagName === "SELECT");
}

document.addEventListener("keydown", (evt) => {
  const el = document.activeElement;
  if (inField(el)) {
    if (evt.key === "Escape") { el.blur(); evt.preventDefault(); return; }
    if (el.id === "reason" && evt.key === "Enter") { evt.preventDefault(); decide("reject"); return; }
    if (evt.key === "Enter" && (evt.ctrlKey || evt.metaKey)) { evt.preventDefault(); el.blur(); decide("accept"); return; }
    if (el.id === "f-text" && evt.key === "Enter") { evt.preventDefault(); el.blur(); return; }  // one-line transcripts
    return;
  }
  if (evt.ctrlKey || evt.metaKey || evt.altKey) return;
  const keys = {
    " ": togglePlay,
    Enter: () => decide("accept"),
    r: () => $("reason").focus(),
    s: () => loadNext(true),
    n: () => loadNeighbour("next"),
    p: () => loadNeighbour("prev"),
    l: () => { $("loop").checked = !$("loop").checked; },
    "[": () => setSpeed(Number($("speed").value) - 0.25),
    "]": () => setSpeed(Number($("speed").value) + 0.25),
    e: () => $("f-text").focus(),
    t: () => $("f-text").focus(),
    k: () => $("f-kana").focus(),
    b: () => addEventAtPlayhead("breath"),
  };
  const fn = keys[evt.key];
  if (fn) { evt.preventDefault(); fn(); }
});

// --- wiring ------------------------------------------------------------------------------
$("play").addEventListener("click", togglePlay);
$("speed").addEventListener("input", () => setSpeed(Number($("speed").value)));
$("accept").addEventListener("click", () => decide("accept"));
$("reject").addEventListener("click", () => decide("reject"));
$("skip").addEventListener("click", () => loadNext(true));
$("next").addEventListener("click", () => loadNeighbour("next"));
$("prev").addEventListener("click", () => loadNeighbour("prev"));
$("nv-add").addEventListener("click", () => addEventAtPlayhead("breath"));
$("f-text").addEventListener("input", onTextInput);
for (const id of ["f-kana", "f-phonemes", "f-prosody"]) $(id).addEventListener("input", () => { state.kanaTouched = true; });
$("wave").addEventListener("mousedown", onMouseDown);
window.addEventListener("mousemove", onMouseMove);
window.addEventListener("mouseup", onMouseUp);
$("logout").addEventListener("click", async () => { await api("/logout", { body: {} }); window.location = "/login"; });

(async () => {
  const start = $("review").dataset.startCut;
  if (start) {
    const { status, data } = await api("/api/cuts/" + encodeURIComponent(start));
    if (status === 200) { await showCut(data.cut, null, false); requestAnimationFrame(tick); return; }
  }
  await loadNext(false);
  requestAnimationFrame(tick);
})();
