"""The ``filter`` stage: drop cuts whose measurements fail the recipe's thresholds, with the reason.

Thresholds live in the recipe (every one optional: ``None`` = not checked), so one chain can hold
a lenient filter early and a strict one before export. A failing cut goes to ``rejected`` with the
reason code of the first failed check (in the order of :data:`CHECKS`), the measured value, and a
detail naming *every* failed check, so a reviewer sees all that was wrong at once. A measurement
that is missing (the ``quality`` stage did not run, DNSMOS was switched off, silence has no
loudness) is not a failure unless ``on_missing: reject``: a filter must not invent a measurement.
Cuts that pass carry a provenance line saying which checks they passed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Literal

from pydantic import Field

from tsukasa.corpus.schema import QualityInfo, SupervisionCustom, read_supervision_custom
from tsukasa.pipelines.base import Rejection, Stage, StageConfig, StageContext, register_stage, update_supervisions


class FilterConfig(StageConfig):
    """Thresholds; each ``None`` switches its check off."""

    min_snr_db: float | None = None
    max_clipping_ratio: float | None = Field(None, ge=0.0, le=1.0)
    min_loudness_lufs: float | None = None
    max_loudness_lufs: float | None = None
    min_bandwidth_hz: float | None = Field(None, ge=0.0)
    min_speech_rate: float | None = Field(None, ge=0.0, description="morae/s")
    max_speech_rate: float | None = Field(None, ge=0.0, description="morae/s")
    min_duration_s: float | None = Field(None, ge=0.0)
    max_duration_s: float | None = Field(None, ge=0.0)
    max_abs_dc_offset: float | None = Field(None, ge=0.0)
    min_dnsmos_ovrl: float | None = None
    min_dnsmos_sig: float | None = None
    min_dnsmos_bak: float | None = None
    max_music_prob: float | None = Field(None, ge=0.0, le=1.0)
    reject_flags: list[str] = Field(default_factory=list, description="quality flag codes that drop a cut")
    on_missing: Literal["keep", "reject"] = "keep"


# (reason code, config field, measurement, "min" | "max")
Getter = Callable[[QualityInfo], float | None]
CHECKS: tuple[tuple[str, str, Getter, str], ...] = (
    ("too_short", "min_duration_s", lambda q: q.duration, "min"),
    ("too_long", "max_duration_s", lambda q: q.duration, "max"),
    ("clipping", "max_clipping_ratio", lambda q: q.clipping_ratio, "max"),
    ("low_snr", "min_snr_db", lambda q: q.snr_db, "min"),
    ("too_quiet", "min_loudness_lufs", lambda q: q.loudness_lufs, "min"),
    ("too_loud", "max_loudness_lufs", lambda q: q.loudness_lufs, "max"),
    ("band_limited", "min_bandwidth_hz", lambda q: q.bandwidth_hz, "min"),
    ("dc_offset", "max_abs_dc_offset", lambda q: None if q.dc_offset is None else abs(q.dc_offset), "max"),
    ("low_dnsmos_ovrl", "min_dnsmos_ovrl", lambda q: q.dnsmos.ovrl if q.dnsmos else None, "min"),
    ("low_dnsmos_sig", "min_dnsmos_sig", lambda q: q.dnsmos.sig if q.dnsmos else None, "min"),
    ("low_dnsmos_bak", "min_dnsmos_bak", lambda q: q.dnsmos.bak if q.dnsmos else None, "min"),
    ("background_music", "max_music_prob", lambda q: q.music_prob, "max"),
    ("speech_too_slow", "min_speech_rate", lambda q: q.speech_rate, "min"),
    ("speech_too_fast", "max_speech_rate", lambda q: q.speech_rate, "max"),
)


def failures(quality: QualityInfo | None, config: FilterConfig) -> list[Rejection]:
    """Every failed check of one supervision's measurements, in :data:`CHECKS` order."""
    q = quality or QualityInfo()
    out: list[Rejection] = []
    for code, field, get, side in CHECKS:
        limit = getattr(config, field)
        if limit is None:
            continue
        value = get(q)
        if value is None:
            if config.on_missing == "reject":
                out.append(Rejection(f"missing_{field.split('_', 1)[1]}", f"{field}: no measurement"))
            continue
        if (side == "min" and value < limit) or (side == "max" and value > limit):
            rel = "<" if side == "min" else ">"
            out.append(Rejection(code, f"{code}: {value:g} {rel} {limit:g} ({field})", float(value)))
    for flag in q.flags:
        if flag.code in config.reject_flags:
            out.append(Rejection(flag.code, f"{flag.code}: flagged ({flag.detail or flag.value})", flag.value))
    return out


@register_stage
class FilterStage(Stage[FilterConfig]):
    """Filter: a cut any of whose supervisions fails a check is rejected with code and value."""

    name: ClassVar[str] = "filter"
    kind: ClassVar = "filter"
    version: ClassVar[str] = "1"
    Config: ClassVar[type[StageConfig]] = FilterConfig

    def process_cut(self, cut: Any, ctx: StageContext) -> Any:
        failed: list[Rejection] = []
        for sup in cut.supervisions:
            failed += failures(read_supervision_custom(sup, cut_id=cut.id).quality, self.config)
        if failed:
            first = failed[0]
            detail = "; ".join(f.detail for f in failed)
            return Rejection(first.reason_code, detail[:500], first.value)
        active = [f for _, f, _, _ in CHECKS if getattr(self.config, f) is not None]
        note = f"passed: {', '.join(active) or 'no checks'}" + (
            f"; no flag in {self.config.reject_flags}" if self.config.reject_flags else ""
        )

        def fn(sup: Any, custom: SupervisionCustom) -> SupervisionCustom:
            return custom.with_provenance(self.provenance([note]))

        return update_supervisions(cut, fn)
