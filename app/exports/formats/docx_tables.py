"""Where the cells of an HTML table go in a Word grid, with colspan and rowspan."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

MAX_COLUMNS = 63  # Word's limit; cells beyond it are left out
MAX_SPAN = 1000


@dataclass(frozen=True)
class Placement:
    cell: ET.Element  # a td or th
    row: int
    column: int
    rows: int = 1
    columns: int = 1


def table_rows(table: ET.Element) -> list[list[ET.Element]]:
    """The cells of each row, rows in document order (head, body and foot groups included)."""
    rows: list[ET.Element] = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(row for row in child if row.tag == "tr")
    return [[cell for cell in row if cell.tag in ("td", "th")] for row in rows]


def place_cells(rows: list[list[ET.Element]]) -> tuple[list[Placement], int]:
    """Each cell's slot and span, and the number of columns. As in a browser, a cell takes
    the next slot not covered by a rowspan from above, and a colspan reaching into such a
    slot is cut short (a rowspan cannot overlap: anything below started in this row)."""
    taken: set[tuple[int, int]] = set()
    placements: list[Placement] = []
    for row, cells in enumerate(rows):
        column = 0
        for cell in cells:
            while (row, column) in taken:
                column += 1
            if column >= MAX_COLUMNS:
                break
            columns = _free_width(taken, row, column, _span(cell.get("colspan")))
            rows_down = min(_span(cell.get("rowspan")), len(rows) - row)
            for r in range(row, row + rows_down):
                taken.update((r, c) for c in range(column, column + columns))
            placements.append(Placement(cell, row, column, rows_down, columns))
            column += columns
    width = max((p.column + p.columns for p in placements), default=0)
    return placements, width


def _span(value: str | None) -> int:
    if value is None or not value.isascii() or not value.isdigit():
        return 1
    return min(max(int(value), 1), MAX_SPAN)


def _free_width(taken: set[tuple[int, int]], row: int, column: int, wanted: int) -> int:
    width = 1
    while width < wanted and column + width < MAX_COLUMNS and (row, column + width) not in taken:
        width += 1
    return width
