"""The bare pandas pipelines ``benchmarks/e2e.py`` times beside ardesk (issue 15), one per fresh process.

    python benchmarks/e2e_bare.py aging FILE.csv AS_OF      Open Invoices CSV: bucket totals in cents
    python benchmarks/e2e_bare.py aging-xlsx FILE.xlsx AS_OF Open Invoices XLSX read with calamine: the same
    python benchmarks/e2e_bare.py sales FILE.csv            Invoice List by Date CSV: credit sales in cents by month

Each prints one JSON object. What a bare pipeline does and nothing more: read the cells (text, or calamine's
values), amounts to numbers (float, rounded to whole cents here only), due dates to dates with the file's own
format, ``np.select`` into the buckets Current, 1-30, 31-60, 61-90, 91+ by days past due, ``np.bincount`` per
bucket and per customer and bucket (customers from ``pd.factorize`` of the forward-filled customer header rows).
"""
from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd

DATE_FORMAT = "%m/%d/%Y"
EXACT = 2**53  # float64 sums of whole cents stay exact below this


def _cents(values: pd.Series) -> np.ndarray:
    return np.round(values.to_numpy(dtype=np.float64) * 100).astype(np.int64)


def _buckets(names: pd.Series, balance: pd.Series, due: pd.Series, as_of: str) -> dict:
    age = (np.datetime64(as_of, "D") - due.to_numpy().astype("datetime64[D]")).astype(np.int64)
    bucket = np.select([age <= 0, age <= 30, age <= 60, age <= 90], [0, 1, 2, 3], 4)
    cents = _cents(balance)
    assert int(np.abs(cents).sum()) < EXACT
    codes, uniques = pd.factorize(names)
    totals = np.bincount(bucket, weights=cents, minlength=5)
    per_customer = np.bincount(codes * 5 + bucket, weights=cents, minlength=len(uniques) * 5).reshape(-1, 5)
    return {"totals": [int(t) for t in totals], "customers": len(uniques),
            "customer_sum": int(per_customer.sum())}


def aging_csv(path: str, as_of: str) -> dict:
    df = pd.read_csv(path, dtype=str, skiprows=4, keep_default_na=False)
    first = df.columns[0]
    names = df[first].where(df[first] != "").ffill()  # customer header rows name the rows below them
    detail = (df["Due date"] != "").to_numpy()
    df, names = df[detail], names[detail]
    balance = pd.to_numeric(df["Open balance"].str.replace(",", "", regex=False))
    due = pd.to_datetime(df["Due date"], format=DATE_FORMAT)
    return _buckets(names, balance, due, as_of)


def aging_xlsx(path: str, as_of: str) -> dict:
    df = pd.read_excel(path, engine="calamine", header=4)
    first = df.columns[0]
    names = df[first].ffill()
    detail = df["Due date"].notna().to_numpy()
    df, names = df[detail], names[detail]
    balance = pd.to_numeric(df["Open balance"])
    due = pd.to_datetime(df["Due date"], format=DATE_FORMAT)
    return _buckets(names, balance, due, as_of)


def sales_csv(path: str) -> dict:
    df = pd.read_csv(path, dtype=str, skiprows=4, keep_default_na=False)
    df = df[(df["Transaction type"] == "Invoice").to_numpy()]
    amount = pd.to_numeric(df["Amount"].str.replace(",", "", regex=False))
    month = pd.to_datetime(df["Date"], format=DATE_FORMAT).to_numpy().astype("datetime64[M]").astype(np.int64)
    cents = _cents(amount)
    assert int(np.abs(cents).sum()) < EXACT
    first = int(month.min())
    sums = np.bincount(month - first, weights=cents)
    out = {}
    for k, v in enumerate(sums):
        m = first + k
        out[f"{1970 + m // 12:04d}-{m % 12 + 1:02d}"] = int(v)
    return {"months": out}


def main(argv: list[str]) -> int:
    what, path, *rest = argv
    if what == "aging":
        result = aging_csv(path, rest[0])
    elif what == "aging-xlsx":
        result = aging_xlsx(path, rest[0])
    elif what == "sales":
        result = sales_csv(path)
    else:
        raise SystemExit(f"unknown pipeline {what!r}: aging, aging-xlsx or sales")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
