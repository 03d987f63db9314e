"""Recipes are validated completely, with file, line and key, before any audio is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from tsukasa.flows.recipe import RecipeError, load_recipe, parse_recipe, shipped_recipes


def test_shipped_default_recipe_is_valid() -> None:
    assert "default" in shipped_recipes()
    recipe = load_recipe(None)
    assert [s.stage for s in recipe.steps][:2] == ["standardize", "segment"]
    assert len(recipe.build()) == len(recipe.steps)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("stages:\n  - stage: standardise\n", ["r.yaml:2: unknown stage 'standardise'"]),
        ("stages:\n  - stage: standardize\n    config:\n      sample_rte: 24000\n",
         ["r.yaml:4: stage 'standardize', key 'sample_rte': unknown key"]),
        ("stages:\n  - stage: standardize\n    config:\n      sample_rate: fast\n",
         ["r.yaml:4: stage 'standardize', key 'sample_rate'"]),
        ("stages:\n  - stage: standardize\n    confg: {}\n", ["r.yaml:3: unknown key 'confg' in a stage entry"]),
        ("stages: [\n", ["r.yaml:2: not valid YAML"]),
        ("stages: []\n", ["r.yaml:1: the recipe has no stages"]),
        ("name: x\nshard_size: 0\nstages:\n  - stage: standardize\n", ["r.yaml:2: shard_size"]),
        ("nmae: x\nstages:\n  - stage: standardize\n", ["r.yaml:1: unknown key 'nmae'"]),
        ("stages:\n  - stage: segment\n    config:\n      max_duration_s: 10\n      max_duration_s: 20\n",
         ["r.yaml:5: duplicate key 'max_duration_s' (first on line 4)"]),
    ],
    ids=["unknown-stage", "unknown-key", "mistyped-value", "entry-typo", "bad-yaml", "empty", "shard-size", "top-typo",
         "duplicate-key"],
)  # fmt: skip
def test_errors_name_file_line_and_key(text: str, expected: list[str]) -> None:
    with pytest.raises(RecipeError) as exc:
        parse_recipe(text, "r.yaml")
    for fragment, problem in zip(expected, exc.value.problems, strict=False):
        assert problem.startswith(fragment), problem


def test_all_problems_are_reported_at_once() -> None:
    text = "stages:\n  - stage: nope\n  - stage: standardize\n    config:\n      mono: both\n      x: 1\n"
    with pytest.raises(RecipeError) as exc:
        parse_recipe(text, "r.yaml")
    assert len(exc.value.problems) == 3


def test_fingerprint_changes_with_config(tmp_path: Path) -> None:
    a = parse_recipe("stages:\n  - stage: standardize\n", "a")
    b = parse_recipe("stages:\n  - stage: standardize\n    config: {sample_rate: 48000}\n", "b")
    assert a.fingerprint() != b.fingerprint()
    assert a.fingerprint() == parse_recipe(a.to_yaml(), "again").fingerprint()


def test_missing_file_and_unknown_name_are_clear(tmp_path: Path) -> None:
    from tsukasa.errors import ConfigError

    with pytest.raises(ConfigError, match="recipe file not found"):
        load_recipe(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="no recipe file or shipped recipe named 'nope'"):
        load_recipe("nope")


def test_a_recipe_saved_in_shift_jis_is_read(tmp_path: Path) -> None:
    """Japanese comments saved by a Windows editor: was a UnicodeDecodeError traceback."""
    path = tmp_path / "mine.yaml"
    text = "# 厳しめの設定\nstages:\n  - stage: standardize\n    config: {sample_rate: 48000}\n"
    path.write_bytes(text.encode("cp932"))
    recipe = load_recipe(path)
    assert recipe.fingerprint() == parse_recipe(text, "utf-8 copy").fingerprint()


def test_a_user_dictionary_the_recipe_names_is_checked_with_it(tmp_path: Path) -> None:
    """A missing or broken dictionary was found only by the phonemize tasks, or not at all (a run
    over lines without text never opened it)."""
    missing = f"stages:\n  - stage: phonemize\n    config: {{user_dict: {tmp_path / 'nope.csv'}}}\n"
    with pytest.raises(RecipeError, match=r"r.yaml:3: stage 'phonemize', key 'user_dict': user dictionary not found"):
        parse_recipe(missing, "r.yaml")
    broken = tmp_path / "names.csv"
    broken.write_text("司,tsukasa,1\n", encoding="utf-8")
    with pytest.raises(RecipeError, match=r"names.csv:1: the reading must be kana"):
        parse_recipe(f"stages:\n  - stage: phonemize\n    config: {{user_dict: {broken}}}\n", "r.yaml")
    broken.write_text("司,ツカサ,1\n", encoding="utf-8")
    parse_recipe(f"stages:\n  - stage: phonemize\n    config: {{user_dict: {broken}}}\n", "r.yaml")


def test_a_whisper_directory_the_recipe_names_is_checked_with_it(tmp_path: Path) -> None:
    text = f"stages:\n  - stage: transcribe\n    config:\n      model: {tmp_path / 'nope'}\n"
    with pytest.raises(RecipeError, match=r"r.yaml:4: stage 'transcribe', key 'model': Whisper model .* not found"):
        parse_recipe(text, "r.yaml")
    (tmp_path / "nope").mkdir()
    with pytest.raises(RecipeError, match="is not a CTranslate2 Whisper model"):
        parse_recipe(text, "r.yaml")
