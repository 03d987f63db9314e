"""Recipes: YAML chains of stages with their configs, validated completely before any work.

A recipe names stages from the registry (``tsukasa.pipelines.base``) and gives each a
config. Every problem — unknown stage, unknown key, wrong type — is reported with the
file, line and key, all at once, before a single audio file is read: a typo found two
hours into a run is the failure we are designing out.

    name: default
    shard_size: 25
    stages:
      - stage: standardize
        config: {sample_rate: 24000}
      - stage: segment
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from tsukasa.corpus.textfiles import decode_script
from tsukasa.errors import ConfigError
from tsukasa.pipelines.base import Stage, get_stage

DEFAULT_RECIPE = "default"


class RecipeError(ConfigError):
    """Every problem of a recipe, each as ``file:line: message``."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class RecipeStep:
    stage: str
    config: dict[str, Any]
    line: int

    def build(self) -> Stage:
        cls = get_stage(self.stage)
        return cls(cls.Config.model_validate(self.config))


@dataclass(frozen=True)
class Recipe:
    name: str
    steps: tuple[RecipeStep, ...]
    source: str
    shard_size: int = 25
    description: str = ""

    def build(self) -> list[Stage]:
        return [s.build() for s in self.steps]

    def fingerprint(self) -> str:
        fps = [stage.fingerprint() for stage in self.build()]
        return hashlib.sha256(json.dumps(fps).encode()).hexdigest()[:16]

    def to_yaml(self) -> str:
        data = {
            "name": self.name,
            "description": self.description,
            "shard_size": self.shard_size,
            "stages": [{"stage": s.stage, "config": dict(s.config)} for s in self.steps],
        }
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _mapping(node: yaml.Node) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    return {k.value: (k, v) for k, v in node.value} if isinstance(node, yaml.MappingNode) else {}


def _duplicate_keys(node: yaml.Node | None, source: str) -> list[str]:
    """A key given twice in one mapping: YAML loaders keep the last silently, so a recipe edited
    by appending ``max_duration_s: 10`` under an older value ran with whichever came last."""
    problems: list[str] = []
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in first:
                    problems.append(f"{source}:{_line(key)}: duplicate key {key.value!r} (first on line "
                                    f"{first[key.value]}); give each key once")  # fmt: skip
                first.setdefault(key.value, _line(key))
            problems.extend(_duplicate_keys(value, source))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            problems.extend(_duplicate_keys(item, source))
    return problems


def parse_recipe(text: str, source: str = "<recipe>") -> Recipe:
    """Parse and validate a recipe; raises :class:`RecipeError` listing every problem."""
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        raise RecipeError([f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})"]) from None
    if not isinstance(data, dict) or root is None:
        raise RecipeError([f"{source}:1: a recipe is a mapping with a 'stages' list"])
    problems: list[str] = _duplicate_keys(root, source)
    top = _mapping(root)
    for key in data:
        if key not in ("name", "description", "shard_size", "stages"):
            problems.append(f"{source}:{_line(top[key][0])}: unknown key {key!r} (expected name, description, "
                            "shard_size, stages)")  # fmt: skip
    shard_size = data.get("shard_size", 25)
    if not isinstance(shard_size, int) or isinstance(shard_size, bool) or shard_size < 1:
        problems.append(f"{source}:{_line(top['shard_size'][1])}: shard_size must be a positive integer")
        shard_size = 25
    stages_node = top.get("stages", (None, None))[1]
    if not isinstance(data.get("stages"), list) or not isinstance(stages_node, yaml.SequenceNode):
        problems.append(f"{source}:1: 'stages' must be a list of {{stage: NAME, config: {{...}}}}")
        raise RecipeError(problems)
    steps = []
    for item, node in zip(data["stages"], stages_node.value, strict=True):
        line = _line(node)
        fields = _mapping(node)
        if not isinstance(item, dict) or "stage" not in item:
            problems.append(f"{source}:{line}: each entry needs 'stage: NAME'")
            continue
        for key in item:
            if key not in ("stage", "config"):
                problems.append(f"{source}:{_line(fields[key][0])}: unknown key {key!r} in a stage entry")
        name = item["stage"]
        try:
            cls = get_stage(str(name))
        except ConfigError as exc:
            problems.append(f"{source}:{_line(fields['stage'][1])}: {exc}")
            continue
        config = item.get("config") or {}
        config_fields = _mapping(fields["config"][1]) if "config" in fields else {}
        if not isinstance(config, dict):
            problems.append(f"{source}:{line}: config of stage {name!r} must be a mapping")
            continue
        try:
            checked = cls.Config.model_validate(config)
        except ValidationError as exc:
            for err in exc.errors():
                key = str(err["loc"][0]) if err["loc"] else ""
                key_line = _line(config_fields[key][0]) if key in config_fields else line
                what = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
                path = ".".join(str(p) for p in err["loc"])
                problems.append(f"{source}:{key_line}: stage {name!r}, key {path!r}: {what}")
            continue
        for key, what in checked.problems().items():
            key_line = _line(config_fields[key][0]) if key in config_fields else line
            problems.append(f"{source}:{key_line}: stage {name!r}, key {key!r}: {what}")
        steps.append(RecipeStep(stage=str(name), config=dict(config), line=line))
    if not steps and not problems:
        problems.append(f"{source}:1: the recipe has no stages")
    if problems:
        raise RecipeError(problems)
    return Recipe(
        name=str(data.get("name") or Path(source).stem),
        steps=tuple(steps),
        source=source,
        shard_size=shard_size,
        description=str(data.get("description") or ""),
    )


def load_recipe(path_or_name: str | Path | None = None) -> Recipe:
    """A recipe file, or a recipe shipped with the package by name (default: ``default``)."""
    if path_or_name is None:
        path_or_name = DEFAULT_RECIPE
    p = Path(path_or_name)
    if p.suffix in (".yaml", ".yml") or p.exists():
        if not p.is_file():
            raise ConfigError(f"recipe file not found: {p}")
        text, _ = decode_script(p.read_bytes(), p)  # Japanese comments saved as Shift-JIS by a Windows editor
        return parse_recipe(text, str(p))
    shipped = resources.files("tsukasa.flows") / "recipes" / f"{path_or_name}.yaml"
    if not shipped.is_file():
        names = ", ".join(sorted(shipped_recipes()))
        raise ConfigError(f"no recipe file or shipped recipe named {str(path_or_name)!r} (shipped: {names})")
    return parse_recipe(shipped.read_text(encoding="utf-8"), f"<shipped>/{path_or_name}.yaml")


def shipped_recipes() -> list[str]:
    folder = resources.files("tsukasa.flows") / "recipes"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))
