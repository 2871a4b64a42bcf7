"""The SSDA903 return (children looked after) as the DfE's CSV tables, read from the record.

`build_ssda903(year)` returns the rows of each table and the problems that would fail the DfE
rules; `returns.services.export_ssda903` writes them and audits the export. Anything dated
after 31 March is left out (an episode ceasing after the year is open in this year's return).

The modules: `tables` (columns, file names, value formats), `care` (periods of care),
`builder` (reads the record once, child by child), and one module per group of tables:
`episodes`, `outcomes` (OC2), `adoption` (PlacedAdoption, AD1), `facts` (Reviews, UASC, OC3,
PrevPerm, Missing) and `social_workers` (SWEpisodes).
"""

from familyworkbook.returns.ssda903.builder import build_ssda903
from familyworkbook.returns.ssda903.care import continuously_looked_after
from familyworkbook.returns.ssda903.tables import COLUMNS, FILE_NAMES, RETURN, Ssda903, d, yes_no

__all__ = [
    "COLUMNS",
    "FILE_NAMES",
    "RETURN",
    "Ssda903",
    "build_ssda903",
    "continuously_looked_after",
    "d",
    "yes_no",
]
