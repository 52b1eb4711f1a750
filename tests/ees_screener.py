"""The checks of the DfE's EES data screener that a pair of data and meta files must pass, written from its published
rules (the screener's own code, dfe-analytical-services): file names; the mandatory time and geography columns and
those each geographic level requires; acceptable time identifiers and time periods; the meta file's columns, types
and units; every data column described by the meta file or an observational unit; no blank cells (a symbol belongs
there: c, z, x, low or u); indicator values numbers or symbols; a Total for every filter; no duplicate rows.

Returns the failures as sentences; an empty list is a pass."""

from __future__ import annotations

import csv
import io
import re

SYMBOLS = {"c", "z", "x", "low", "u", ":"}
TIME_IDENTIFIERS = {
    "Autumn term", "Spring term", "Summer term", "Autumn and spring term", "Academic year", "Financial year",
    "Calendar year", "Tax year",
}  # fmt: skip
SIX_DIGIT = {"Autumn term", "Spring term", "Summer term", "Autumn and spring term", "Academic year", "Financial year",
             "Tax year"}  # fmt: skip
ALWAYS = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name"]
BY_LEVEL = {
    "National": [],
    "Regional": ["region_code", "region_name"],
    "Local authority": ["region_code", "region_name", "old_la_code", "new_la_code", "la_name"],
}
OBSERVATIONAL = set(ALWAYS) | {c for cols in BY_LEVEL.values() for c in cols}
META_COLUMNS = ["col_name", "col_type", "label", "indicator_grouping", "indicator_unit", "indicator_dp",
                "filter_hint", "filter_grouping_column"]  # fmt: skip
UNITS = {"", "%", "£", "£m", "pp"}


def screen(data_name: str, data_text: str, meta_name: str, meta_text: str) -> list[str]:
    failures: list[str] = []
    stem = data_name.removesuffix(".csv")
    if meta_name != f"{stem}.meta.csv":
        failures.append(f"the meta file {meta_name} is not named after {data_name}")
    for name in (data_name, meta_name):
        if not re.fullmatch(r"[a-z0-9_]+(\.meta)?\.csv", name):
            failures.append(f"{name}: file names use lower case letters, digits and underscores only")
    data = list(csv.reader(io.StringIO(data_text)))
    meta = list(csv.DictReader(io.StringIO(meta_text)))
    header, rows = data[0], data[1:]
    if not rows:
        failures.append("the data file has no rows")
    for column in header:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", column):
            failures.append(f"column {column!r} is not snake case")
    if len(set(header)) != len(header):
        failures.append("a column name is repeated")
    failures += [f"the mandatory column {c} is missing" for c in ALWAYS if c not in header]
    meta_header = next(csv.reader(io.StringIO(meta_text)))
    failures += [f"the meta file has no {c} column" for c in META_COLUMNS if c not in meta_header]
    described = {m["col_name"] for m in meta}
    for column in header:
        if column not in described and column not in OBSERVATIONAL:
            failures.append(f"column {column} is neither in the meta file nor an observational unit")
    for m in meta:
        name = m["col_name"]
        if name not in header:
            failures.append(f"the meta file describes {name}, which the data file lacks")
        if name in OBSERVATIONAL:
            failures.append(f"{name} is an observational unit and must not be in the meta file")
        if m["col_type"] not in ("Filter", "Indicator"):
            failures.append(f"{name}: col_type {m['col_type']!r} is not Filter or Indicator")
        if not m["label"].strip():
            failures.append(f"{name} has no label")
        if m["col_type"] == "Filter" and (m["indicator_unit"] or m["indicator_dp"] or m["indicator_grouping"]):
            failures.append(f"filter {name} has indicator fields filled in")
        if m["col_type"] == "Indicator" and (m["filter_hint"] or m["filter_grouping_column"]):
            failures.append(f"indicator {name} has filter fields filled in")
        if m["indicator_unit"] not in UNITS:
            failures.append(f"{name}: indicator_unit {m['indicator_unit']!r} is not an accepted unit")
        if m["indicator_dp"] and not m["indicator_dp"].isdigit():
            failures.append(f"{name}: indicator_dp {m['indicator_dp']!r} is not a whole number")
    labels = [m["label"] for m in meta]
    if len(set(labels)) != len(labels):
        failures.append("two meta rows share a label")
    index = {c: i for i, c in enumerate(header)}
    for number, row in enumerate(rows, start=2):
        if len(row) != len(header):
            failures.append(f"row {number} has {len(row)} cells for {len(header)} columns")
            continue
        for column, value in zip(header, row, strict=True):
            if value.strip() == "":
                failures.append(f"row {number}, {column}: blank (a symbol belongs there)")
        level = row[index["geographic_level"]] if "geographic_level" in index else ""
        if level not in BY_LEVEL:
            failures.append(f"row {number}: geographic_level {level!r} is not one the screener knows")
        else:
            failures += [f"row {number}: {level} rows need {c}" for c in BY_LEVEL[level] if c not in index]
        if "country_code" in index and row[index["country_code"]] != "E92000001":
            failures.append(f"row {number}: country_code is not England's")
        if "new_la_code" in index and not re.fullmatch(r"E(06|07|08|09|10)\d{6}", row[index["new_la_code"]]):
            failures.append(f"row {number}: new_la_code {row[index['new_la_code']]!r} is not an ONS authority code")
        if "region_code" in index and not re.fullmatch(r"E1200000[1-9]", row[index["region_code"]]):
            failures.append(f"row {number}: region_code {row[index['region_code']]!r} is not an ONS region code")
        if "old_la_code" in index and not re.fullmatch(r"\d{3}", row[index["old_la_code"]]):
            failures.append(f"row {number}: old_la_code is not three digits")
        identifier = row[index["time_identifier"]] if "time_identifier" in index else ""
        period = row[index["time_period"]] if "time_period" in index else ""
        if identifier not in TIME_IDENTIFIERS:
            failures.append(f"row {number}: time_identifier {identifier!r} is not accepted")
        elif identifier in SIX_DIGIT:
            if not (re.fullmatch(r"\d{6}", period) and int(period[4:]) == (int(period[2:4]) + 1) % 100):
                failures.append(f"row {number}: time_period {period!r} is not two consecutive years (202526)")
        elif not re.fullmatch(r"\d{4}", period):
            failures.append(f"row {number}: time_period {period!r} is not a year")
        for m in meta:
            if m["col_type"] == "Indicator" and m["col_name"] in index:
                value = row[index[m["col_name"]]]
                if value not in SYMBOLS and not re.fullmatch(r"-?\d+(\.\d+)?", value):
                    failures.append(f"row {number}, {m['col_name']}: {value!r} is neither a number nor a symbol")
    keys = [tuple(r[index[c]] for c in header if c in OBSERVATIONAL or c in _filters(meta)) for r in rows]
    if len(set(keys)) != len(keys):
        failures.append("two rows have the same time, geography and filters")
    for name in _filters(meta):
        if name in index and "Total" not in {r[index[name]] for r in rows}:
            failures.append(f"filter {name} has no Total")
    return failures


def _filters(meta: list[dict[str, str]]) -> list[str]:
    return [m["col_name"] for m in meta if m["col_type"] == "Filter"]
