"""ASR: Whisper model resolution, the ``transcribe`` stage and game-script matching (``match_script``).

Submodules are imported lazily (faster-whisper and ctranslate2 are heavy); recipes reach the
stages through ``tsukasa.pipelines.base.BUILTIN_STAGE_MODULES``.
"""
