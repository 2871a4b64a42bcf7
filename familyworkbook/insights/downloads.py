"""A KPI table as CSV or XLSX: the caption, the method, the headings and every row."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.http import HttpResponse
from openpyxl import Workbook

from familyworkbook.insights.periods import Table

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: object) -> object:
    return "" if value is None else value


def _safe_text(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def filename(table: Table, scope_label: str, date_to: dt.date, ext: str) -> str:
    safe = "".join(c if c.isalnum() else "-" for c in scope_label.lower()).strip("-")
    return f"{table.slug}-{safe}-{date_to:%Y-%m-%d}.{ext}"


def as_csv(table: Table, name: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_safe_text(table.caption)])
    writer.writerow([_safe_text(table.method)])
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_safe_text(_cell(v)) for v in row])
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def as_xlsx(table: Table, name: str) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = table.slug[:31]
    sheet.append([table.caption])
    sheet.append([table.method])
    sheet.append(table.columns)
    for row in table.rows:
        sheet.append([_safe_text(_cell(v)) for v in row])
    for cells in sheet.iter_rows(min_row=4):
        for c in cells:
            if isinstance(c.value, dt.date):
                c.number_format = "dd/mm/yyyy"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
