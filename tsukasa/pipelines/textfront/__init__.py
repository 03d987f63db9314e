"""Japanese text front-end: normalisation, non-verbal cues, readings, accents, romaji.

Public API::

    from tsukasa.pipelines.textfront import phonemize, normalize, Phonemized
    p = phonemize("水をマレーシアから買わなくてはならないのです。")
    p.kana, p.phonemes, p.prosody, p.cues
"""

from tsukasa.pipelines.textfront.frontend import Phonemized, TextCue, phonemize
from tsukasa.pipelines.textfront.normalize import normalize
from tsukasa.pipelines.textfront.resources import TextFrontError

__all__ = ["Phonemized", "TextCue", "TextFrontError", "normalize", "phonemize"]
