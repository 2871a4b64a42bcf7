"""The import page's form: which extract folder on the server, and a dry run or an import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from familyworkbook.core.forms import GovukForm

DRY_RUN, IMPORT = "dry_run", "import"


def import_root() -> Path:
    return Path(settings.FWB_IMPORT_ROOT).resolve()


class StartImportForm(GovukForm):
    path = forms.CharField(
        label=_("Folder holding the extract"),
        max_length=500,
        help_text=_(
            "The folder on the server with one ssd_<table>.csv file per table, such as "
            "ssd_person.csv. A path that does not start with / is read from the import folder."
        ),
        widget=forms.TextInput(attrs={"class": "govuk-input", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter the folder the extract is in"),
            "max_length": _("The folder's path must be 500 characters or fewer"),
            "null_characters_not_allowed": _(
                "The folder's path has a character that cannot be in a path: type it again"
            ),
        },
    )
    mode = forms.ChoiceField(
        label=_("What do you want to do?"),
        widget=forms.RadioSelect,
        choices=[
            (DRY_RUN, _("Dry run: check the extract and write the report, changing nothing")),
            (IMPORT, _("Import: bring the records in")),
        ],
        error_messages={
            "required": _("Select whether to do a dry run or an import"),
            "invalid_choice": _("Select whether to do a dry run or an import"),
        },
    )

    def clean_path(self) -> str:
        root = import_root()
        typed = str(self.cleaned_data["path"]).strip()
        candidate = Path(typed)
        if not candidate.is_absolute():
            candidate = root / candidate
        # resolve() follows symbolic links, so a link inside the root cannot lead out of it.
        try:
            resolved = candidate.resolve()
            inside = resolved.is_relative_to(root)
            exists, is_dir = resolved.exists(), resolved.is_dir()
        except (OSError, ValueError):  # a NUL byte, a path too long, a folder we may not read
            raise forms.ValidationError(
                _("Enter the folder's path as the server shows it, like %(example)s"),
                params={"example": root / "2026-12-01"},
                code="invalid",
            ) from None
        if not inside:
            raise forms.ValidationError(
                _(
                    "The folder must be inside %(root)s, where this server keeps extracts to "
                    "import: copy the extract there, then enter its folder"
                ),
                params={"root": root},
                code="outside_root",
            )
        if not exists:
            raise forms.ValidationError(
                _(
                    "There is no folder at %(path)s: check the path, or copy the extract "
                    "there first"
                ),
                params={"path": resolved},
                code="missing",
            )
        if not is_dir:
            raise forms.ValidationError(
                _(
                    "%(path)s is a file, not a folder: enter the folder that holds the "
                    "ssd_<table>.csv files"
                ),
                params={"path": resolved},
                code="not_a_directory",
            )
        return str(resolved)

    @property
    def dry_run(self) -> bool:
        data: dict[str, Any] = self.cleaned_data
        return data["mode"] == DRY_RUN
