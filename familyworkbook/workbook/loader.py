"""Loading a programme file (YAML or JSON) into versioned Programme and Module rows.

A version, once loaded, never changes: loading the same slug and version again with the same
content does nothing, and with different content is refused, because entries already recorded
under that version must keep meaning what they meant.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

PROGRAMMES_DIR = Path(__file__).resolve().parent / "programmes"
SHIPPED = ("family-safeguarding.yaml", "supporting-change.yaml")

_TEXT_LIST = {"type": "array", "items": {"type": "string", "minLength": 1}}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["slug", "version", "title", "modules"],
    "properties": {
        "slug": {"type": "string", "pattern": "^[a-z0-9-]{1,60}$"},
        "version": {"type": "string", "minLength": 1, "maxLength": 30},
        "title": {"type": "string", "minLength": 1, "maxLength": 200},
        "summary": {"type": "string"},
        "kind": {"enum": ["programme", "intervention"]},
        "default_weeks": {"type": "integer", "minimum": 1, "maximum": 104},
        "readiness_screening": {
            "type": "object",
            "required": ["questions", "bands"],
            "properties": {
                "questions": _TEXT_LIST,
                "bands": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["min", "max", "label"],
                        "properties": {
                            "min": {"type": "integer"},
                            "max": {"type": "integer"},
                            "label": {"type": "string"},
                        },
                    },
                },
            },
        },
        "modules": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["slug", "number", "title"],
                "additionalProperties": False,
                "properties": {
                    "slug": {"type": "string", "pattern": "^[a-z0-9-]{1,60}$"},
                    "number": {"type": "integer", "minimum": 1},
                    "title": {"type": "string", "minLength": 1, "maxLength": 200},
                    "focus": {"enum": ["family", "child", "adult"]},
                    "sessions": _TEXT_LIST,
                    "tools": _TEXT_LIST,
                    "prompts": _TEXT_LIST,
                    "example": {"type": "string"},
                },
            },
        },
    },
}


class ProgrammeFileError(Exception):
    """The file is not a valid programme, or conflicts with a version already loaded."""


@dataclass(frozen=True)
class LoadResult:
    programme: Any
    created: bool


def read_programme_file(path: Path | str) -> dict[str, Any]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProgrammeFileError(f"Cannot read {path}: {exc.strerror}") from exc
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise ProgrammeFileError(
            f"{path.name} is not valid {path.suffix[1:].upper()}: {exc}"
        ) from exc
    validate_programme(data)
    return data


def validate_programme(data: Any) -> None:
    try:
        jsonschema.validate(data, SCHEMA)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "the top level"
        raise ProgrammeFileError(f"Not a valid programme at {where}: {exc.message}") from exc
    for key in ("slug", "number"):
        values = [m[key] for m in data["modules"]]
        if len(values) != len(set(values)):
            raise ProgrammeFileError(f"Each module needs its own {key}")


def load_programme_data(
    data: dict[str, Any], *, programme_model: Any = None, module_model: Any = None, by: Any = None
) -> LoadResult:
    """Store one programme version and its modules. Models can be passed for migrations."""
    from django.db import transaction

    if programme_model is None:
        from familyworkbook.workbook.models import Module, Programme

        programme_model, module_model = Programme, Module
    validate_programme(data)
    with transaction.atomic():
        existing = programme_model.objects.filter(
            slug=data["slug"], version=data["version"]
        ).first()
        if existing is not None:
            if existing.data != data:
                raise ProgrammeFileError(
                    f"Version {data['version']} of {data['slug']} is already loaded with different "
                    "content. Give the changed programme a new version."
                )
            return LoadResult(existing, created=False)
        programme = programme_model.objects.create(
            slug=data["slug"],
            version=data["version"],
            title=data["title"],
            summary=data.get("summary", ""),
            kind=data.get("kind", "programme"),
            data=data,
            created_by=by,
            modified_by=by,
        )
        module_model.objects.bulk_create(
            module_model(
                programme=programme,
                number=m["number"],
                slug=m["slug"],
                title=m["title"],
                focus=m.get("focus", "family"),
                sessions=m.get("sessions", []),
                tools=m.get("tools", []),
                prompts=m.get("prompts", []),
                example=m.get("example", ""),
            )
            for m in data["modules"]
        )
    return LoadResult(programme, created=True)


def load_shipped_programmes(**models: Any) -> list[LoadResult]:
    """The programmes that ship with the product (the default eight modules, Supporting Change)."""
    return [
        load_programme_data(read_programme_file(PROGRAMMES_DIR / name), **models)
        for name in SHIPPED
    ]


# --- Worked examples of good recording, by chapter and module ------------------------------

EXAMPLES_FILE = PROGRAMMES_DIR / "recording-examples.yaml"

EXAMPLES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["chapters"],
    "properties": {
        "chapters": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["general"],
                "additionalProperties": False,
                "properties": {
                    "general": {"type": "string", "minLength": 1},
                    "modules": {
                        "type": "object",
                        "additionalProperties": {"type": "string", "minLength": 1},
                    },
                },
            },
        }
    },
}


def recording_examples(path: Path | str | None = None) -> dict[str, dict[str, Any]]:
    """Worked examples by chapter: {chapter: {"general": text, "modules": {slug: text}}}.

    Read from the YAML file each time (it is small), so a council's edit shows at once.
    """
    path = Path(path) if path else EXAMPLES_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ProgrammeFileError(
            f"Cannot read the recording examples in {path.name}: {exc}"
        ) from exc
    try:
        jsonschema.validate(data, EXAMPLES_SCHEMA)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "the top level"
        raise ProgrammeFileError(f"Not valid recording examples at {where}: {exc.message}") from exc
    return {
        chapter: {"general": value["general"], "modules": value.get("modules", {})}
        for chapter, value in data["chapters"].items()
    }
