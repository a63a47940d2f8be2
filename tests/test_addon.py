"""The Odoo add-on's two series (addon/17.0, addon/19.0): what both share is written once (byte-identical), what
differs is named here, and each manifest names its own series. The add-on's own tests run inside Odoo (see
README.md, "Installing the Odoo add-on"); CI lints it and builds its wheels."""
from __future__ import annotations

import ast
from pathlib import Path

ADDON = Path(__file__).resolve().parents[1] / "addon"
SERIES = ("17.0", "19.0")
MODULE = "ardesk_collections"
# The only files that differ between the series, and why.
PER_SERIES = {
    "__manifest__.py": "its version names the series",
    "README.rst": "it names the series",
    "models/series.py": "the No Follow-up flag (blocked / no_followup) and the access check (check_access in 18+)",
    "models/collection_note_series.py": "the unique constraint (_sql_constraints / models.Constraint in 18+)",
    "security/ardesk_collections_security.xml": "groups by category (17) or by privilege, users as user_ids (19)",
    "views/collection_note_views.xml": "<tree> became <list> in 18.0",
    "i18n/ardesk_collections.pot": "exported by each series' own Odoo",
}


def _files(series: str) -> dict[str, bytes]:
    root = ADDON / series / MODULE
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


def test_what_both_series_share_is_identical_and_what_differs_is_named():
    a, b = (_files(s) for s in SERIES)
    assert set(a) == set(b)
    differ = {name for name in a if a[name] != b[name]}
    assert differ <= set(PER_SERIES), f"files that differ without a reason: {sorted(differ - set(PER_SERIES))}"
    assert {"__manifest__.py", "models/series.py"} <= differ


def test_each_manifest_names_its_series_and_depends_on_account_and_mail_only():
    for series in SERIES:
        manifest = ast.literal_eval((ADDON / series / MODULE / "__manifest__.py").read_text())
        assert manifest["version"].startswith(series + ".") and len(manifest["version"].split(".")) == 5
        assert manifest["depends"] == ["account", "mail"] and manifest["license"] == "AGPL-3"
        for data in manifest["data"]:
            assert (ADDON / series / MODULE / data).is_file(), data
        view = (ADDON / series / MODULE / "views/collection_note_views.xml").read_text()
        assert ("<tree>" in view) == (series < "18.0") and ("<list>" in view) == (series >= "18.0")


def _declared(source: Path) -> dict[str, str]:
    """The fields a model file of the add-on declares: name -> Odoo field type (``fields.Char`` -> ``char``)."""
    out = {}
    for node in ast.walk(ast.parse(source.read_text())):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "fields":
                out[node.targets[0].id] = func.attr.lower()
    return out


def test_the_stand_in_serves_the_fields_the_add_on_declares():
    """The suite's stand-in (tests/odoo_standin) is the add-on for the desk's tests: a field added to the add-on and
    not to the stand-in (or the other way round) would let the two drift apart unseen."""
    from tests.odoo_standin.schema import ARDESK, MODELS

    models = ADDON / "17.0" / MODULE / "models"
    magic = {"id", "display_name", "create_date", "write_date"}      # every model has them
    note = MODELS["ardesk.collection.note"].fields
    assert _declared(models / "collection_note.py") == {n: f.type for n, f in note.items() if n not in magic}
    for model, source in (("res.partner", "res_partner.py"), ("account.move", "account_move.py")):
        served = {n: f.type for n, f in MODELS[model].fields.items() if f.addon == ARDESK}
        assert _declared(models / source) == served, model
