"""Document types as data: YAML section schemas, loaded, validated and looked up by key.

A document type is a YAML file (format: familyworkbook/documents/README.md). The app ships
its own in `documents/schemas/`; a council may keep its own in the directory named by the
setting ``FWB_DOCUMENT_SCHEMAS_DIR`` (read at first use). For each key the highest version
wins, so a council overrides a shipped type by giving it the same key and a higher version;
every version stays loadable, so a document drafted under version 1 still renders as it was.

Validation fails loudly (`SchemaError`, naming the file and the problem): an unknown filler
name, a duplicate section key, a missing heading, an unknown audience or subject.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from familyworkbook.documents.facts import FILLERS

SHIPPED_DIR = Path(__file__).resolve().parent / "schemas"
AUDIENCES = ("court", "conference", "parent", "internal")
SUBJECTS = ("family", "child", "case", "meeting", "intervention", "person")
KINDS = ("filled", "written")


class SchemaError(ValueError):
    """A document schema that cannot be used, with the file and the reason."""


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    kind: str  # "filled" or "written"
    filler: str = ""
    written_by: str = ""  # the role who writes it ("Social worker")
    guidance: str = ""
    hint: str = ""
    summary: bool = False  # counts towards the type's summary_limit
    options: dict = field(default_factory=dict)  # passed to the filler as FillContext.options

    @property
    def is_written(self) -> bool:
        return self.kind == "written"


@dataclass(frozen=True)
class DocumentType:
    key: str
    version: int
    title: str
    audience: str
    subject: str
    sections: tuple[Section, ...]
    page_limit: int | None = None
    summary_limit: int | None = None
    description: str = ""
    window_months: int | None = None  # default window: this many months up to today
    share_before_working_days: int | None = None  # e.g. conference reports to parents
    language: str = "en-GB"
    origin: str = ""  # the file it came from

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    @property
    def written_sections(self) -> list[Section]:
        return [s for s in self.sections if s.is_written]

    @property
    def share_working_days(self) -> int | None:
        """Working days before the event the document must reach the family; a council may
        override per type with the setting FWB_DOCUMENT_SHARE_WORKING_DAYS = {key: days}."""
        overrides = getattr(settings, "FWB_DOCUMENT_SHARE_WORKING_DAYS", {}) or {}
        return overrides.get(self.key, self.share_before_working_days)


def _positive_int(data: dict, name: str, origin: str, *, required: bool = False) -> int | None:
    value = data.get(name)
    if value is None:
        if required:
            raise SchemaError(f"{origin}: '{name}' is required")
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise SchemaError(f"{origin}: '{name}' must be a whole number, not {value!r}")
    return value


def parse(data: Any, origin: str = "<schema>", *, check_fillers: bool = True) -> DocumentType:
    """One document type from parsed YAML; raises SchemaError with a clear message."""
    if not isinstance(data, dict):
        raise SchemaError(f"{origin}: a document schema is a mapping (key, version, sections...)")
    unknown = set(data) - {
        "key",
        "version",
        "title",
        "audience",
        "subject",
        "sections",
        "page_limit",
        "summary_limit",
        "description",
        "window_months",
        "share_before_working_days",
        "language",
    }
    if unknown:
        raise SchemaError(f"{origin}: unknown field(s) {', '.join(sorted(unknown))}")
    for name in ("key", "title"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise SchemaError(f"{origin}: '{name}' is required")
    key = data["key"]
    origin = f"{origin} ({key})"
    version = _positive_int(data, "version", origin, required=True)
    if data.get("audience") not in AUDIENCES:
        raise SchemaError(f"{origin}: audience must be one of {', '.join(AUDIENCES)}")
    if data.get("subject", "family") not in SUBJECTS:
        raise SchemaError(f"{origin}: subject must be one of {', '.join(SUBJECTS)}")
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        raise SchemaError(f"{origin}: 'sections' must list at least one section")
    sections: list[Section] = []
    seen: set[str] = set()
    for n, raw in enumerate(raw_sections, start=1):
        where = f"{origin} section {n}"
        if not isinstance(raw, dict):
            raise SchemaError(f"{where}: a section is a mapping (key, heading, kind...)")
        extra = set(raw) - {
            "key",
            "heading",
            "kind",
            "filler",
            "written_by",
            "guidance",
            "hint",
            "summary",
            "options",
        }
        if extra:
            raise SchemaError(f"{where}: unknown field(s) {', '.join(sorted(extra))}")
        skey = raw.get("key")
        if not isinstance(skey, str) or not skey.strip():
            raise SchemaError(f"{where}: 'key' is required")
        if not skey.replace("_", "").replace("-", "").isalnum():
            raise SchemaError(f"{where}: key {skey!r} may hold only letters, digits, - and _")
        where = f"{origin} section '{skey}'"
        if skey in seen:
            raise SchemaError(f"{where}: duplicate section key {skey!r}")
        seen.add(skey)
        if not isinstance(raw.get("heading"), str) or not raw["heading"].strip():
            raise SchemaError(f"{where}: 'heading' is required")
        kind = raw.get("kind")
        if kind not in KINDS:
            raise SchemaError(f"{where}: kind must be 'filled' or 'written', not {kind!r}")
        if kind == "filled":
            name = raw.get("filler")
            if not name:
                raise SchemaError(f"{where}: a filled section names its 'filler'")
            if check_fillers and name not in FILLERS:
                raise SchemaError(f"{where}: unknown filler {name!r}")
            if raw.get("written_by"):
                raise SchemaError(f"{where}: a filled section has no 'written_by'")
        else:
            if not raw.get("written_by"):
                raise SchemaError(f"{where}: a written section names who writes it ('written_by')")
            if raw.get("filler"):
                raise SchemaError(f"{where}: a written section has no 'filler'")
        options = raw.get("options") or {}
        if not isinstance(options, dict):
            raise SchemaError(f"{where}: 'options' must be a mapping")
        sections.append(
            Section(
                key=skey,
                heading=raw["heading"].strip(),
                kind=kind,
                filler=raw.get("filler", "") or "",
                written_by=raw.get("written_by", "") or "",
                guidance=(raw.get("guidance") or "").strip(),
                hint=(raw.get("hint") or "").strip(),
                summary=bool(raw.get("summary", False)),
                options=options,
            )
        )
    return DocumentType(
        key=key,
        version=version or 0,
        title=data["title"].strip(),
        audience=data["audience"],
        subject=data.get("subject", "family"),
        sections=tuple(sections),
        page_limit=_positive_int(data, "page_limit", origin),
        summary_limit=_positive_int(data, "summary_limit", origin),
        description=(data.get("description") or "").strip(),
        window_months=_positive_int(data, "window_months", origin),
        share_before_working_days=_positive_int(data, "share_before_working_days", origin),
        language=data.get("language", "en-GB"),
        origin=origin,
    )


def load_file(path: Path, *, check_fillers: bool = True) -> DocumentType:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SchemaError(f"{path.name}: not valid YAML ({exc})") from exc
    return parse(data, path.name, check_fillers=check_fillers)


def schema_dirs() -> list[Path]:
    dirs = [SHIPPED_DIR]
    council = getattr(settings, "FWB_DOCUMENT_SCHEMAS_DIR", None)
    if council:
        dirs.append(Path(council))
    return dirs


def load_dir(directory: Path, *, check_fillers: bool = True) -> list[DocumentType]:
    if not directory.is_dir():
        raise SchemaError(f"{directory}: no such directory of document schemas")
    return [
        load_file(p, check_fillers=check_fillers)
        for p in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    ]


@functools.cache
def _registry() -> dict[str, dict[int, DocumentType]]:
    found: dict[str, dict[int, DocumentType]] = {}
    for directory in schema_dirs():
        for doc_type in load_dir(directory):
            versions = found.setdefault(doc_type.key, {})
            if doc_type.version in versions and directory != SHIPPED_DIR:
                # A council file with the same key and version replaces the shipped one.
                pass
            elif doc_type.version in versions:
                raise SchemaError(
                    f"{doc_type.origin}: version {doc_type.version} of {doc_type.key!r} is "
                    f"defined twice (also in {versions[doc_type.version].origin})"
                )
            versions[doc_type.version] = doc_type
    return found


def reload() -> None:
    """Forget the loaded schemas (after changing the council directory, and in tests)."""
    _registry.cache_clear()


def all_types() -> list[DocumentType]:
    """The current (highest) version of every document type, by title."""
    return sorted(
        (versions[max(versions)] for versions in _registry().values()), key=lambda t: t.title
    )


def get(key: str, version: int | None = None) -> DocumentType:
    """A document type by key (the highest version unless one is named); KeyError if none."""
    versions = _registry()[key]
    if version is None:
        return versions[max(versions)]
    if version in versions:
        return versions[version]
    # The version a document was drafted under is gone: render with the current one.
    return versions[max(versions)]
