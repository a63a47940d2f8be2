"""Every QuickBooks layout that carries open balances ages exactly like the books it was exported from."""
from __future__ import annotations

from datetime import date

import pytest

from connectors.quickbooks import read_export
from receivables.aging import aging
from tests.fixtures.qbrender import render
from tests.fixtures.samplebooks import generate

AS_OF = date(2026, 10, 31)
OPEN_BALANCE_KINDS = ("qbo_open_invoices", "qbo_ar_aging_detail", "qbo_ar_aging_summary",
                      "qbo_customer_balance_detail", "qbd_open_invoices", "qbd_ar_aging_detail",
                      "qbd_customer_open_balance")


@pytest.fixture(scope="module")
def truth():
    books = generate(seed=11, customers=25, invoices=300)
    return books, aging(books, AS_OF, edges=(30, 60, 90)).to_json_dict()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("kind", OPEN_BALANCE_KINDS)
def test_layout_ages_like_its_books(tmp_path, truth, kind, suffix):
    books, expected = truth
    got = aging(read_export(render(books, kind, tmp_path / f"export{suffix}", as_of=AS_OF)), AS_OF).to_json_dict()
    assert got["totals"] == expected["totals"]
    assert got["customers"] == expected["customers"]   # company currency (most layouts print only that)


@pytest.mark.parametrize("kind", ["qbo_open_invoices", "qbo_ar_aging_detail"])
def test_multicurrency_layouts_keep_each_currency(tmp_path, truth, kind):
    books, expected = truth
    path = render(books, kind, tmp_path / "export.csv", as_of=AS_OF, multicurrency=True)
    got = aging(read_export(path), AS_OF).to_json_dict()
    assert got["by_currency"] == expected["by_currency"] and set(got["by_currency"]) == {"EUR", "USD"}
    assert got["totals"] == expected["totals"]
