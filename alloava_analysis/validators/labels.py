"""The demographic label schema and its checks.

Labels are assigned by people (the speaker, or an annotator) and arrive in a CSV
keyed by ``clip_id`` (``labels.csv`` at the corpus root, or ``--labels``). The
toolkit **never infers protected attributes from faces or voices**: there is no
code path that turns media into a demographic label, and an attribute missing
from the CSV is an error, not something to guess.

Per attribute ``A`` the CSV may carry ``A_provenance`` (one of
:data:`PROVENANCE`; ``unknown`` when the column or cell is empty) and
``A_notes`` (free text); a row-level ``notes`` or ``label_source`` column is
kept as notes too. An empty value cell means ``unknown``, which is its own group
in an audit (how much of the corpus is unlabelled is part of the answer).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..checks import check_nonnegative
from ..errors import ParameterError, SchemaError

__all__ = ["DEFAULT_SCHEMA", "INFERENCE_NOTE", "PROVENANCE", "UNKNOWN", "Attribute", "LabelSchema",
           "check_reference", "validate_labels"]

UNKNOWN = "unknown"
#: Who assigned a label. ``synthetic``: written by :mod:`alloava_analysis.synthetic` (not a person).
PROVENANCE = ("self-reported", "annotator", "synthetic", UNKNOWN)
INFERENCE_NOTE = ("demographic labels come only from a labels CSV keyed by clip_id; the toolkit never infers "
                  "protected attributes from faces or voices")
_AGE = re.compile(r"^(?:(\d+)\s*-\s*(\d+)|(\d+)\s*\+|(?:under|<)\s*(\d+))$", re.IGNORECASE)


@dataclass(frozen=True)
class Attribute:
    """One demographic attribute.

    Parameters
    ----------
    name
        Column name in the labels CSV.
    values
        Allowed values (compared case-insensitively; ``unknown`` is always allowed), or None for an open
        vocabulary (any non-empty text; ``age_group`` then checks that values are age ranges).
    description
        What the attribute means, shown in reports.
    """

    name: str
    values: tuple[str, ...] | None = None
    description: str = ""


@dataclass(frozen=True)
class LabelSchema:
    """The attributes an audit may group by, with their allowed values."""

    attributes: tuple[Attribute, ...] = field(default_factory=tuple)

    def get(self, name: str) -> Attribute:
        """The attribute called ``name`` (an open-vocabulary one when the schema does not define it).

        Parameters
        ----------
        name
            Attribute (column) name.

        Returns
        -------
        Attribute
            Its definition.
        """
        for attr in self.attributes:
            if attr.name == name:
                return attr
        return Attribute(name, None, "not in the label schema: any value accepted")

    @property
    def names(self) -> tuple[str, ...]:
        """The attributes' names, in schema order."""
        return tuple(a.name for a in self.attributes)

    def with_values(self, **values: tuple[str, ...] | list[str] | None) -> "LabelSchema":
        """A copy with the allowed values of some attributes replaced (new names are added).

        Parameters
        ----------
        values
            ``name=allowed values`` per attribute (None: open vocabulary).

        Returns
        -------
        LabelSchema
            The new schema.
        """
        attrs = {a.name: a for a in self.attributes}
        for name, allowed in values.items():
            old = attrs.get(name, Attribute(name))
            attrs[name] = Attribute(name, None if allowed is None else tuple(allowed), old.description)
        return LabelSchema(tuple(attrs.values()))


DEFAULT_SCHEMA = LabelSchema((
    Attribute("gender", ("female", "male", "non-binary", "other", UNKNOWN), "gender as reported or annotated"),
    Attribute("age_group", None, "age range such as '18-34', '55+' or 'under 18' (ranges must not overlap)"),
    Attribute("ethnicity_or_region", None, "ethnic background or world region, in the labeller's own categories"),
    Attribute("accent_or_language_variety", None, "accent or language variety (e.g. 'en-IN', 'Scottish English')"),
    Attribute("skin_tone", ("lighter", "medium", "darker", UNKNOWN), "skin tone as annotated (coarse scale)"),
))


def _age_range(value: str) -> tuple[float, float] | None:
    m = _AGE.match(value.strip())
    if not m:
        return None
    lo, hi, plus, under = m.groups()
    if lo is not None:
        return float(lo), float(hi) + 1
    if plus is not None:
        return float(plus), np.inf
    return 0.0, float(under)


def _check_values(attr: Attribute, column: pd.Series, *, path: str | Path | None) -> pd.Series:
    """Canonical values of one attribute column (empty -> unknown); SchemaError listing the allowed values."""
    values = column.fillna("").astype(str).str.strip()
    values = values.where(values != "", UNKNOWN)
    if attr.values is not None:
        canon = {v.lower(): v for v in (*attr.values, UNKNOWN)}
        lowered = values.str.lower()
        bad = ~lowered.isin(canon)
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            others = sorted(set(values[bad]))
            raise SchemaError(f"expected one of {sorted(canon.values())}, got {values.iat[row]!r}"
                              + (f" (unknown values: {others})" if len(others) > 1 else "")
                              + f"; fix the CSV or pass a schema with these values ({INFERENCE_NOTE})",
                              path=path, where=f"row {row + 2}, column {attr.name!r}")
        return lowered.map(canon)
    if attr.name == "age_group":
        ranges = {}
        for i, v in enumerate(values):
            if v == UNKNOWN or v in ranges:
                continue
            r = _age_range(v)
            if r is None:
                raise SchemaError(f"expected an age range like '18-34', '55+' or 'under 18' (or 'unknown'), "
                                  f"got {v!r}", path=path, where=f"row {i + 2}, column 'age_group'")
            ranges[v] = r
        spans = sorted(ranges.items(), key=lambda kv: kv[1])
        for (a, ra), (b, rb) in zip(spans, spans[1:]):
            if rb[0] < ra[1]:
                raise SchemaError(f"expected age groups that do not overlap, got {a!r} and {b!r}", path=path,
                                  where="column 'age_group'")
    return values


def _check_schema(schema: LabelSchema) -> None:
    if not isinstance(schema, LabelSchema):
        raise ParameterError(f"invalid value for schema: expected a LabelSchema, got {type(schema).__name__}",
                             name="schema")


def validate_labels(labels: pd.DataFrame, attributes: list[str] | tuple[str, ...], *,
                    schema: LabelSchema = DEFAULT_SCHEMA, path: str | Path | None = None) -> pd.DataFrame:
    """Check and normalise the label columns an audit needs.

    Parameters
    ----------
    labels
        One row per clip with ``clip_id`` and the ``attributes`` (strings; e.g. a corpus index).
    attributes
        The attributes to check (the audit's ``--by``).
    schema
        Allowed values per attribute.
    path
        The labels file, named in errors.

    Returns
    -------
    pandas.DataFrame
        A copy with each attribute canonicalised (empty -> ``unknown``) and an
        ``A_provenance`` column per attribute (empty -> ``unknown``).

    Raises
    ------
    ParameterError
        No ``attributes``, or ``schema`` is not a :class:`LabelSchema`.
    SchemaError
        A missing column (the error lists the columns there are), a value not in
        the schema (the error lists the allowed ones), a provenance not in
        :data:`PROVENANCE`, or overlapping age groups.
    """
    _check_schema(schema)
    if not attributes:
        raise ParameterError("invalid value for attributes: expected at least one attribute to group by, got none",
                             name="attributes")
    out = labels.copy()
    missing = [a for a in attributes if a not in out.columns]
    if missing:
        present = [c for c in out.columns if c in schema.names or not c.endswith(("_provenance", "_notes"))]
        raise SchemaError(f"expected label column(s) {missing}, got columns {present}; labels are read from the "
                          f"labels CSV (--labels), never inferred from the media", path=path, where="header")
    for name in attributes:
        out[name] = _check_values(schema.get(name), out[name], path=path).to_numpy()
        prov_col = f"{name}_provenance"
        prov = out[prov_col] if prov_col in out else pd.Series("", index=out.index)
        prov = prov.fillna("").astype(str).str.strip().str.lower()
        prov = prov.where(prov != "", UNKNOWN)
        bad = ~prov.isin(PROVENANCE)
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise SchemaError(f"expected a provenance in {list(PROVENANCE)}, got {prov.iat[row]!r}", path=path,
                              where=f"row {row + 2}, column {prov_col!r}")
        out[prov_col] = prov.to_numpy()
    return out


def check_reference(reference: pd.DataFrame, attributes: list[str] | tuple[str, ...], *,
                    schema: LabelSchema = DEFAULT_SCHEMA,
                    path: str | Path | None = None, tolerance: float = 1e-3) -> pd.DataFrame:
    """Check a reference distribution: ``attribute, group, share`` rows, shares summing to 1 per attribute.

    ``attribute`` is one of ``attributes`` or an intersection written ``a&b``
    (its ``group`` then ``x&y``). Values are checked against ``schema``.

    Parameters
    ----------
    reference
        Reference table with ``attribute``, ``group`` and ``share`` columns.
    attributes
        The attributes it may describe (the audit's ``--by``).
    schema
        Allowed values per attribute.
    path
        The reference file, named in errors.
    tolerance
        Largest allowed difference of each attribute's share total from 1.

    Returns
    -------
    pandas.DataFrame
        ``attribute, group, share`` with canonical values and float shares.

    Raises
    ------
    SchemaError
        A missing column, a share outside [0, 1], an unknown attribute or
        value, a duplicate group, or shares that do not sum to 1.
    """
    _check_schema(schema)
    check_nonnegative("tolerance", tolerance)
    need = ["attribute", "group", "share"]
    missing = [c for c in need if c not in reference.columns]
    if missing:
        raise SchemaError(f"expected columns {need}, got {list(reference.columns)}", path=path, where="header")
    out = reference[need].copy()
    out["attribute"] = out["attribute"].astype(str).str.strip()
    out["group"] = out["group"].astype(str).str.strip()
    shares = pd.to_numeric(out["share"], errors="coerce")
    bad = ~(np.isfinite(shares) & (shares >= 0) & (shares <= 1))
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise SchemaError(f"expected a share between 0 and 1, got {reference['share'].iat[row]!r}", path=path,
                          where=f"row {row + 2}, column 'share'")
    out["share"] = shares.astype(float)
    allowed_attrs = set(attributes)
    for i, (attr, group) in enumerate(zip(out["attribute"], out["group"])):
        parts, values = attr.split("&"), group.split("&")
        parts, values = [p.strip() for p in parts], [v.strip() for v in values]
        if any(p not in allowed_attrs for p in parts):
            raise SchemaError(f"expected an attribute among {sorted(allowed_attrs)} (or an intersection 'a&b'), "
                              f"got {attr!r}", path=path, where=f"row {i + 2}, column 'attribute'")
        if len(parts) != len(values):
            raise SchemaError(f"expected {len(parts)} '&'-separated values for {attr!r}, got {group!r}", path=path,
                              where=f"row {i + 2}, column 'group'")
        try:
            canon = [_check_values(schema.get(p), pd.Series([v]), path=path).iat[0] for p, v in zip(parts, values)]
        except SchemaError as err:  # it checked a one-value column: the place is this row's 'group'
            raise SchemaError(err.reason, path=path, where=f"row {i + 2}, column 'group'") from None
        out.iat[i, 0], out.iat[i, 1] = "&".join(parts), "&".join(canon)
    dup = out.duplicated(["attribute", "group"])
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0])
        raise SchemaError(f"expected one share per group, got {out['group'].iat[row]!r} twice", path=path,
                          where=f"row {row + 2}")
    for attr, rows in out.groupby("attribute", sort=False):
        total = float(rows["share"].sum())
        if abs(total - 1) > tolerance:
            raise SchemaError(f"expected the shares of {attr!r} to sum to 1 (within {tolerance}), got {total:.6g}",
                              path=path, where=f"attribute {attr!r}")
    return out.reset_index(drop=True)
