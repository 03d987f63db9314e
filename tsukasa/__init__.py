"""Tsukasa: curated Japanese expressive-speech data and a StyleTTS 2-style model.

Importing the package stays fast: heavy libraries are imported inside the
functions that need them.
"""

__version__ = "0.1.0"
