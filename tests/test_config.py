"""ardesk.toml against its schema: every wrong value is one ConfigError line naming the file, the key and what was
expected (also through the command line, with exit status 2 and no traceback); secrets are refused anywhere; the
defaults, the sample `ardesk init` writes and the README agree with the schema."""
from __future__ import annotations

import dataclasses
import json
import re
import tomllib
import typing
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from cli import cli
from receivables.config import (
    CONFIG_NAME,
    PASSWORD_ENV,
    SAMPLE_CONFIG,
    SMTP_PASSWORD_ENV,
    Config,
    ConfigFile,
    OdooConfig,
    find_config,
    load_config,
    validate_edges,
)
from receivables.config_schema import WorklistWeights
from receivables.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def _write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / CONFIG_NAME
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _refusal(tmp_path: Path, text: str | bytes) -> str:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    line = str(caught.value)
    assert "\n" not in line
    assert line.startswith(f"{path}: ")
    return line[len(f"{path}: "):]


# -- the probes: each wrong value, and the one line it now gives ---------------------------------------------------

PROBES = [
    # wrong types that used to end in a traceback
    ('[dso]\nmonths = "twelve"\n', '[dso] months: expected a whole number from 1 to 120, found "twelve"'),
    ('[dso]\nperiod_days = "x"\n',
     '[dso] period_days: expected a positive whole number of days such as 90, found "x"'),
    ("[source]\ndefault = 5\n",
     '[source] default: expected "odoo", "ledger" or the path of an export or a folder (text), found 5'),
    ("[files]\nledger = 5\n", "[files] ledger: expected a file path (text), found 5"),
    ('company = "x"\n', 'company: expected a table, found "x" (write its keys under the header [company])'),
    ("[company]\nrates = 5\n", '[company] rates: expected a table of rates such as EUR = "1.08", found 5'),
    ('[company.rates]\nEUR = "abc"\n',
     '[company.rates] EUR: expected a decimal number such as "1.08" (above zero), found "abc"'),
    ('odoo = "x"\n', 'odoo: expected a table, found "x" (write its keys under the header [odoo])'),
    ("aging = [1, 2]\n", "aging: expected a table, found [1, 2] (write its keys under the header [aging])"),
    # accepted silently before
    ("[aging]\nedgez = [30]\n", "[aging] edgez is not a known key (did you mean edges?)"),
    ("[agin]\nedges = [30]\n", "[agin] is not a known section (did you mean aging?)"),
    ("[aging]\nedges = [30.5, 60]\n",
     "[aging] edges, item 1: expected a whole number of days from 1 to 3650, found 30.5"),
    ("[aging]\nedges = [true]\n", "[aging] edges, item 1: expected a whole number of days from 1 to 3650, found true"),
    ('[[reminders.levels]]\nname = "a"\ndays = 1\n[[reminders.levels]]\nname = "b"\ndays = 2\npassword = "x"\n',
     "[[reminders.levels]] 2 password must not be in the file: secrets never go in it "
     f"(remove it and set {PASSWORD_ENV} instead, or keep it in the OS keyring with `ardesk secret set odoo`)"),
    # ranges and other rules
    ("[aging]\nedges = [60, 30]\n",
     "[aging] edges: expected edges in increasing order, such as [30, 60, 90], found [60, 30]"),
    ("[aging]\nedges = [30, 4000]\n",
     "[aging] edges, item 2: expected a whole number of days from 1 to 3650, found 4000"),
    ("[aging]\nedges = [0, 30]\n", "[aging] edges, item 1: expected a whole number of days from 1 to 3650, found 0"),
    ("[aging]\nedges = []\n", "[aging] edges: expected at least one edge, such as [30, 60, 90], found []"),
    ('[aging]\nby = "paid"\n', '[aging] by: expected one of due, issued, found "paid"'),
    ('[dso]\ncei_sales = "mean"\n', '[dso] cei_sales: expected one of total, average, found "mean"'),
    ("[dso]\nmonths = 0\n", "[dso] months: expected a whole number from 1 to 120, found 0"),
    ("[dso]\nmonths = 121\n", "[dso] months: expected a whole number from 1 to 120, found 121"),
    ('[dso]\nmonths = "12"\n',
     '[dso] months: expected a whole number from 1 to 120, found "12" (write numbers without quotes)'),
    ("[dso]\nmonths = 12.0\n", "[dso] months: expected a whole number from 1 to 120, found 12.0"),
    ("[dso]\nperiod_days = 0\n", "[dso] period_days: expected a positive whole number of days such as 90, found 0"),
    ("[odoo]\nbatch_size = 0\n", "[odoo] batch_size: expected a positive whole number, found 0"),
    ("[odoo]\nhistory_months = -1\n", "[odoo] history_months: expected a positive whole number, found -1"),
    ("[odoo]\nretries = 0\n", "[odoo] retries: expected a positive whole number, found 0"),
    ('[odoo]\ntimeout = "fast"\n', '[odoo] timeout: expected a positive number, found "fast"'),
    ("[odoo]\nbackoff = 0\n", "[odoo] backoff: expected a positive number, found 0"),
    ("[odoo]\ntimeout = inf\n", "[odoo] timeout: expected a positive number, found inf"),
    ("[odoo]\nbatch_size = true\n", "[odoo] batch_size: expected a positive whole number, found true"),
    ("[odoo]\ncompany = true\n",
     "[odoo] company: expected a company's name (text) or id (a whole number), found true"),
    ("[odoo]\nurl = 2024-01-01\n", "[odoo] url: expected text, found 2024-01-01"),
    ('[company]\ncurrency = "usd"\n', '[company] currency: expected a currency code such as "EUR", found "usd"'),
    ('[company.rates]\neur = "1.1"\n', '[company.rates] eur: expected a currency code such as "EUR", found "eur"'),
    ("[company.rates]\nEUR = 0\n",
     '[company.rates] EUR: expected a decimal number such as "1.08" (above zero), found 0'),
    ('[odoo]\nbatchsize = 10\n', "[odoo] batchsize is not a known key (did you mean batch_size?)"),
    ("foo = 1\n", "foo is not a known section (known sections: source, files, company, odoo, aging, dso, smtp, "
                  "reminders, fees, letters, notes, jobs, worklist, privacy, ledger)"),
    ("[aging.extra]\nx = 1\n", "[aging.extra] is not a known table (known keys: edges, by, default_terms_days)"),
    # the sections later issues read
    ("[smtp]\nport = 70000\n", "[smtp] port: expected a whole number from 1 to 65535, found 70000"),
    ('[smtp]\nsecurity = "tls"\n', '[smtp] security: expected one of starttls, ssl, none, found "tls"'),
    ('[smtp]\nfrom_address = "nobody"\n',
     '[smtp] from_address: expected an e-mail address such as "ar@example.com", found "nobody"'),
    ('[smtp]\npassword = "x"\n',
     f"[smtp] password must not be in the file: secrets never go in it (remove it and set {SMTP_PASSWORD_ENV} "
     "instead, or keep it in the OS keyring with `ardesk secret set smtp`)"),
    ("[reminders]\nhold = [1.5]\n",
     "[reminders] hold, item 1: expected a customer's name (text) or id (a whole number), found 1.5"),
    ("[reminders]\nlevels = 5\n", "[reminders] levels: expected an array of tables [[reminders.levels]], found 5"),
    ("[reminders]\nlevels = [1]\n", "[reminders] levels, item 1: expected a table, found 1"),
    ('[[reminders.levels]]\nname = "a"\n',
     "[[reminders.levels]] 1 days is missing: it must be a whole number of days past due "
     "(negative: before the due date)"),
    ('[[reminders.levels]]\nname = "a"\ndays = 1\nchannel = "fax"\n',
     '[[reminders.levels]] 1 channel: expected one of email, letter, call, agency, found "fax"'),
    ('[[reminders.levels]]\nname = "a"\ndays = 1\nchanel = "email"\n',
     "[[reminders.levels]] 1 chanel is not a known key (did you mean channel?)"),
    ('[[reminders.levels]]\nname = "a"\ndays = 1\nmin_amount = "-1"\n',
     '[[reminders.levels]] 1 min_amount: expected a decimal number such as "50.00" (zero or more), found "-1"'),
    ('[[reminders.levels]]\nname = "a"\ndays = 7\n[[reminders.levels]]\nname = "b"\ndays = 7\n',
     '[reminders] levels: expected levels in increasing order of days, no two on the same day, found [{…}, {…}]'),
    ("[notes]\npromise_grace_days = -1\n", "[notes] promise_grace_days: expected a whole number, 0 or more, found -1"),
    ("[jobs]\nrefresh = 6\n", '[jobs] refresh: expected a schedule (text) such as "every day at 06:30", found 6'),
    ('[worklist.weights]\noverdue = "x"\n', '[worklist.weights] overdue: expected a number, 0 or more, such as 2.5, '
                                           'found "x"'),
    ('[worklist.collectors]\nAnn = "Acme"\n',
     '[worklist.collectors] Ann: expected a list of customers\' names or ids, found "Acme"'),
    ('[worklist.collectors]\nAnn = ["Acme Ltd", 42]\nBob = [" acme ltd"]\n',
     '[worklist] collectors: expected each customer under one collector ("acme ltd" is under both "Ann" and "Bob"), '
     'found a table'),
    ("[worklist]\nanswer_days = 0\n",
     "[worklist] answer_days: expected a whole number of days from 1 to 3650, found 0"),
    ("[privacy]\nkeep_notes_years = 0\n",
     "[privacy] keep_notes_years: expected a whole number of years from 1 to 100, found 0"),
    ('[privacy]\nretention_days = 30\n', "[privacy] retention_days is not a known key (known keys: keep_notes_years, "
                                         "keep_messages_years, keep_contacts_after_last_invoice_years)"),
    ("[ledger]\nbusy_timeout = -1\n", "[ledger] busy_timeout: expected a number of seconds, 0 or more, found -1"),
    # the file itself
    ("[dso\nmonths = 1\n", "not valid TOML: Expected ']' at the end of a table declaration (at line 1, column 5)"),
    ('[company]\n# caf\xe9\n'.encode("latin-1"),
     "the file is not UTF-8 text: byte 0xe9 on line 2 (save it as UTF-8)"),
]


@pytest.mark.parametrize(("text", "line"), PROBES, ids=[str(i) for i in range(len(PROBES))])
def test_a_wrong_value_is_one_line_naming_the_file_the_key_and_what_was_expected(tmp_path, text, line):
    assert _refusal(tmp_path, text) == line


@pytest.mark.parametrize("key", ["password", "PASSWORD", "Api_Key", "apikey", "secret", "Token", "api-key"])
@pytest.mark.parametrize("where", ["", "[odoo]\n", "[company.rates]\n", "[worklist.weights]\n",
                                   '[[reminders.levels]]\nname = "a"\ndays = 1\n'])
def test_a_secret_is_refused_anywhere_in_the_file(tmp_path, where, key):
    message = _refusal(tmp_path, f'{where}"{key}" = "hunter2"\n')
    assert "must not be in the file" in message and "hunter2" not in message
    assert message.endswith(f"(remove it and set {PASSWORD_ENV} instead, or keep it in the OS keyring with "
                            "`ardesk secret set odoo`)")


def test_a_secret_inside_an_inline_table_of_a_list_is_refused(tmp_path):
    message = _refusal(tmp_path, '[reminders]\nlevels = [{name = "a", days = 1, token = "x"}]\n')
    assert message.startswith("[[reminders.levels]] 1 token must not be in the file")


CLI_PROBES = [(text, line) for text, line in PROBES if line.startswith(
    ("[dso] months: expected a whole number from 1 to 120, found \"twelve\"", "company:", "[aging] edgez",
     "[[reminders.levels]] 2 password", "the file is not UTF-8", "not valid TOML"))]


def test_the_command_line_probes_are_there():
    assert len(CLI_PROBES) == 6


@pytest.mark.parametrize(("text", "line"), CLI_PROBES)
def test_the_command_line_prints_the_one_line_and_exits_2(tmp_path, text, line):
    path = _write(tmp_path, text)
    result = CliRunner().invoke(cli, ["--config", str(path), "aging", "x.csv"])
    assert result.exit_code == 2
    assert result.output == f"ardesk: {path}: {line}\n"
    assert "Traceback" not in result.output


def test_the_command_line_finds_the_file_in_the_current_folder_too(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "[dso]\nmonths = 0\n")
    result = CliRunner().invoke(cli, ["dso", "x.csv"])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert result.output.startswith("ardesk: ") and "[dso] months" in result.output


# -- what is accepted, and the defaults -----------------------------------------------------------------------------

def test_an_empty_file_gives_the_defaults(tmp_path):
    path = _write(tmp_path, "")
    config = load_config(path)
    assert config.sections == ConfigFile() == Config().sections
    assert config.path == path and config.raw == {}
    assert config.default_source is None
    assert config.ledger == tmp_path / "ardesk.db" and config.workbook == tmp_path / "collections.xlsm"
    assert config.company_currency is None and config.rates == {}
    assert (config.odoo.url, config.odoo.company, config.odoo.batch_size, config.odoo.timeout, config.odoo.retries,
            config.odoo.backoff, config.odoo.history_months) == ("", None, 2000, 120.0, 4, 0.5, 24)
    assert config.aging.edges == (30, 60, 90) and config.aging.by == "due"
    assert (config.dso.period_days, config.dso.months, config.dso.cei_sales) == (None, 12, "total")
    assert (config.smtp.host, config.smtp.port, config.smtp.security, config.smtp.from_address,
            config.smtp.rate_per_minute) == ("", 587, "starttls", None, 30)
    assert config.reminders.hold == ()
    assert [(lv.name, lv.days, lv.template, lv.channel, lv.min_amount) for lv in config.reminders.levels] == [
        ("friendly", -5, "friendly", "email", "0"), ("first", 7, "first", "email", "0"),
        ("second", 21, "second", "email", "0"), ("final", 45, "final", "email", "0")]
    assert config.notes.promise_grace_days == 3
    assert all(value is None for value in config.jobs.model_dump().values())
    assert config.worklist.weights == WorklistWeights() and config.worklist.collectors == {}
    assert config.worklist.answer_days == 7
    assert (config.privacy.keep_notes_years, config.privacy.keep_messages_years,
            config.privacy.keep_contacts_after_last_invoice_years) == (6, 6, 3)
    assert config.ledger_settings.busy_timeout == 30


def test_no_file_gives_the_defaults_with_paths_relative_to_the_current_folder():
    config = load_config(None)
    assert config.path is None and config.ledger == Path("ardesk.db") and config.workbook == Path("collections.xlsm")
    assert config.sections == ConfigFile()


FULL = """\
[source]
default = "exports"
[files]
ledger = "data/ar.db"
workbook = "/srv/books/panel.xlsm"
[company]
currency = "USD"
[company.rates]
EUR = "1.08"
GBP = 1.27
JPY = 1
[odoo]
url = "https://erp.example.com"
db = "production"
user = "collections@example.com"
company = 3
batch_size = 500
timeout = 30
retries = 2
backoff = 1.5
history_months = 36
[aging]
edges = [15, 45]
by = "issued"
[dso]
period_days = 90
months = 6
cei_sales = "average"
[smtp]
host = "smtp.example.com"
port = 465
user = "ar@example.com"
security = "ssl"
from_address = "ar@example.com"
reply_to = "collections@example.com"
timeout = 10
[reminders]
hold = ["Beacon Studios", 42]
[[reminders.levels]]
name = "nudge"
days = -3
[[reminders.levels]]
name = "call them"
days = 30
template = "phone-script"
channel = "call"
min_amount = 250.5
[notes]
promise_grace_days = 0
[jobs]
refresh = "every day at 06:30"
prune = "every sunday at 03:00"
[worklist.weights]
overdue = 2
risk = 0.5
[privacy]
keep_notes_years = 10
keep_messages_years = 3
keep_contacts_after_last_invoice_years = 1
[ledger]
busy_timeout = 0
"""


def test_every_key_takes_a_right_value(tmp_path):
    config = load_config(_write(tmp_path, FULL))
    assert config.default_source == str(tmp_path / "exports")
    assert config.ledger == tmp_path / "data" / "ar.db" and config.workbook == Path("/srv/books/panel.xlsm")
    assert config.company_currency == "USD" and config.rates == {"EUR": "1.08", "GBP": "1.27", "JPY": "1"}
    assert (config.odoo.company, config.odoo.batch_size, config.odoo.timeout, config.odoo.retries,
            config.odoo.backoff, config.odoo.history_months) == (3, 500, 30.0, 2, 1.5, 36)
    assert config.aging.edges == (15, 45) and config.aging.by == "issued"
    assert (config.dso.period_days, config.dso.months, config.dso.cei_sales) == (90, 6, "average")
    assert (config.smtp.port, config.smtp.security, config.smtp.reply_to) == (465, "ssl", "collections@example.com")
    assert config.reminders.hold == ("Beacon Studios", 42)
    assert [(lv.name, lv.days, lv.template, lv.channel, lv.min_amount) for lv in config.reminders.levels] == [
        ("nudge", -3, "nudge", "email", "0"), ("call them", 30, "phone-script", "call", "250.5")]
    assert config.notes.promise_grace_days == 0
    assert config.jobs.refresh == "every day at 06:30" and config.jobs.worklist is None
    assert (config.worklist.weights.overdue, config.worklist.weights.risk) == (2.0, 0.5)
    assert (config.privacy.keep_notes_years, config.privacy.keep_messages_years,
            config.privacy.keep_contacts_after_last_invoice_years) == (10, 3, 1)
    assert config.ledger_settings.busy_timeout == 0
    assert config.raw["odoo"]["company"] == 3


@pytest.mark.parametrize("default", ["odoo", "ledger"])
def test_odoo_and_ledger_are_sources_not_paths(tmp_path, default):
    assert load_config(_write(tmp_path, f'[source]\ndefault = "{default}"\n')).default_source == default


def test_an_empty_default_source_is_no_default(tmp_path):
    assert load_config(_write(tmp_path, '[source]\ndefault = ""\n')).default_source is None


def test_relative_paths_stay_relative_to_the_file_after_a_change_of_folder(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _write(tmp_path / "a", '[files]\nledger = "x.db"\n')
    monkeypatch.chdir(tmp_path / "a")
    config = load_config(CONFIG_NAME)
    monkeypatch.chdir(tmp_path / "b")
    assert config.ledger == tmp_path / "a" / "x.db"


def test_a_byte_order_mark_and_windows_line_ends_are_fine(tmp_path):
    path = _write(tmp_path, "\ufeff[dso]\r\nmonths = 3\r\n".encode())
    assert load_config(path).dso.months == 3


def test_a_folder_or_a_missing_file_is_one_line(tmp_path):
    with pytest.raises(ConfigError, match="^.*: cannot read: "):
        load_config(tmp_path)
    with pytest.raises(ConfigError, match="no such configuration file"):
        find_config(tmp_path / "nope.toml")


def test_nesting_too_deep_is_one_line(tmp_path):
    assert _refusal(tmp_path, "a = " + "[" * 5000 + "]" * 5000 + "\n").startswith("not valid TOML")


def test_the_configuration_is_frozen(tmp_path):
    config = load_config(_write(tmp_path, FULL))
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.path = None
    with pytest.raises(ValidationError):
        config.odoo.batch_size = 1
    with pytest.raises(ValidationError):
        config.reminders.levels[0].days = 1
    config.rates["XYZ"] = "2"
    assert "XYZ" not in config.rates


def test_passwords_come_from_the_environment(monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    monkeypatch.delenv(SMTP_PASSWORD_ENV, raising=False)
    config = Config()
    with pytest.raises(ConfigError, match=PASSWORD_ENV):
        config.odoo.password()
    with pytest.raises(ConfigError, match=SMTP_PASSWORD_ENV):
        config.smtp.password()
    monkeypatch.setenv(PASSWORD_ENV, "o")
    monkeypatch.setenv(SMTP_PASSWORD_ENV, "s")
    assert (config.odoo.password(), config.smtp.password()) == ("o", "s")


def test_odoo_settings_are_still_made_in_code_as_before():
    cfg = OdooConfig(url="http://x", db="demo", user="admin", retries=1, backoff=0.001, timeout=2)
    assert (cfg.timeout, cfg.retries, cfg.batch_size) == (2.0, 1, 2000)


def test_validate_edges_keeps_its_rule_and_wording():
    validate_edges((30, 60, 90))
    validate_edges((3650,))
    for edges in [(), (0, 30), (90, 30), (30, 30)]:
        with pytest.raises(ConfigError, match="bucket edges must be positive and increasing"):
            validate_edges(edges, "Control!C5")
    with pytest.raises(ConfigError, match="^Control!C5: bucket edges must be 3650 days or fewer, got 30,4000"):
        validate_edges((30, 4000), "Control!C5")


# -- the schema, the sample file and the README agree ---------------------------------------------------------------

def _unwrap(declared):
    while typing.get_origin(declared) is typing.Annotated:
        declared = typing.get_args(declared)[0]
    return declared


def _is_model(declared) -> bool:
    return isinstance(declared, type) and issubclass(declared, BaseModel)


def _tables(model=ConfigFile, prefix: str = "") -> list[tuple[str, list[str]]]:
    """Every table of the schema as (its header as written, its keys): ``[odoo]``, ``[company.rates]`` (free keys),
    ``[[reminders.levels]]``."""
    out = []
    for name, fld in model.model_fields.items():
        if model is ConfigFile and name == "fees":
            continue
        declared = _unwrap(fld.annotation)
        dotted = f"{prefix}.{name}" if prefix else name
        if _is_model(declared):
            out.append((f"[{dotted}]", [k for k, f in declared.model_fields.items() if not _is_table(f.annotation)]))
            out.extend(_tables(declared, dotted))
        elif typing.get_origin(declared) is dict:
            out.append((f"[{dotted}]", []))
        elif typing.get_origin(declared) is tuple and _is_model(_unwrap(typing.get_args(declared)[0])):
            item = _unwrap(typing.get_args(declared)[0])
            out.append((f"[[{dotted}]]", list(item.model_fields)))
    return out


def _is_table(annotation) -> bool:
    declared = _unwrap(annotation)
    return _is_model(declared) or typing.get_origin(declared) is dict or (
        typing.get_origin(declared) is tuple and _is_model(_unwrap(typing.get_args(declared)[0])))


def test_the_schema_walk_sees_the_nested_tables():
    headers = [h for h, _ in _tables()]
    assert {"[odoo]", "[company.rates]", "[[reminders.levels]]", "[worklist.weights]", "[ledger]"} <= set(headers)


def test_the_sample_config_documents_every_section_and_key_of_the_schema():
    lines = SAMPLE_CONFIG.splitlines()
    header = re.compile(r"^#?\s*(\[\[?[A-Za-z0-9_.]+\]\]?)")
    regions: dict[str, list[str]] = {}
    current = None
    for line in lines:
        m = header.match(line)
        if m:
            current = m.group(1)
            regions.setdefault(current, [])
        elif current:
            regions[current].append(line)
    missing = []
    for head, keys in _tables():
        if head not in regions:
            missing.append(head)
            continue
        missing += [f"{head} {k}" for k in keys
                    if not any(re.match(rf"^#?\s*{k}\s*=", line) for line in regions[head])]
    assert missing == []


def test_the_sample_config_loads_and_so_does_every_example_in_it(tmp_path):
    config = load_config(_write(tmp_path, SAMPLE_CONFIG))
    assert config.default_source == str(tmp_path / "exports")
    assert config.sections.model_copy(update={"source": ConfigFile().source}) == ConfigFile()
    uncommented = re.sub(r"(?m)^# ((?:[A-Za-z_]\w*\s*=\s|\[).*)$", r"\1", SAMPLE_CONFIG)
    assert uncommented.count("\n# ") < SAMPLE_CONFIG.count("\n# ")
    example = load_config(_write(tmp_path, uncommented))
    assert example.odoo.url == "https://erp.example.com" and example.rates == {"EUR": "1.08"}
    assert [lv.name for lv in example.reminders.levels] == ["friendly"] and example.worklist.weights


def test_the_readme_names_every_section_of_the_schema():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [name for name in ConfigFile.model_fields if f"`[{name}]`" not in readme] == []
    assert "[[reminders.levels]]" in readme


# -- random documents of wrong values, built from the schema's own keys ----------------------------------------------

_text = st.text(st.characters(codec="ascii", categories=("L", "N", "Zs")), max_size=8)
_int = st.integers(-10**6, 10**6)
_float = st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer()) | st.sampled_from(
    [3.0, 0.0, -1.0])
_bool = st.booleans()
_date = st.dates(date(1990, 1, 1), date(2100, 1, 1))
_table = st.dictionaries(st.sampled_from(["a", "b"]), _int, min_size=1)
_WRONG = {
    "int": st.one_of(_text, _float, _bool, st.lists(_int, max_size=2), _table, _date),
    "number": st.one_of(_text, _bool, st.lists(_float, max_size=2), _table, _date),
    "text": st.one_of(_int, _float, _bool, st.lists(_text, max_size=2), _table, _date),
    "bool": st.one_of(_int, _text, _float, st.lists(_bool, max_size=2), _table),
    "text_or_int": st.one_of(_float, _bool, st.lists(_int, max_size=2), _table, _date),
    "decimal": st.one_of(_bool, st.lists(_int, max_size=2), _table, _date,
                         st.text(st.characters(codec="ascii", categories=("L",)), min_size=1, max_size=6)),
}
_WRONG["table"] = st.one_of(_int, _text, _float, _bool, st.lists(_int, max_size=2))
_WRONG["list"] = st.one_of(_int, _text, _table, st.lists(_table, min_size=1, max_size=2))


def _kind(annotation) -> str:
    declared = _unwrap(annotation)
    origin = typing.get_origin(declared)
    if origin in (typing.Union, __import__("types").UnionType):
        members = [_kind(a) for a in typing.get_args(declared) if a is not type(None)]
        return members[0] if len(members) == 1 else "text_or_int"
    if origin is typing.Literal:
        return "text"
    if _is_model(declared) or origin is dict:
        return "table"
    if origin is tuple:
        return "list"
    if declared is str:
        metadata = getattr(annotation, "__metadata__", ())
        return "decimal" if any(type(m).__name__ == "BeforeValidator" for m in metadata) else "text"
    return {bool: "bool", int: "int", float: "number"}[declared]


def _field_kind(model, name) -> str:
    fld = model.model_fields[name]
    if fld.metadata:
        return _kind(typing.Annotated[(fld.annotation, *fld.metadata)])
    return _kind(fld.annotation)


def _wrong_section(model) -> st.SearchStrategy:
    """A table for ``model`` whose keys (some of its own) all hold values of a wrong type."""
    def value(name: str) -> st.SearchStrategy:
        declared = _unwrap(model.model_fields[name].annotation)
        kind = _field_kind(model, name)
        if kind == "list" and _is_model(_unwrap(typing.get_args(declared)[0])):
            return st.one_of(_WRONG["list"], st.lists(_wrong_section(_unwrap(typing.get_args(declared)[0])),
                                                      min_size=1, max_size=2))
        if kind == "table" and typing.get_origin(declared) is dict:
            return st.one_of(_WRONG["table"], st.dictionaries(st.sampled_from(["EUR", "GBP"]),
                                                              st.one_of(_bool, _table, st.just("abc")), min_size=1))
        if kind == "list":
            return st.one_of(_WRONG["list"], st.lists(st.one_of(_bool, _table, st.just(1.5)), min_size=1, max_size=3))
        return _WRONG[kind]

    names = list(model.model_fields)
    return st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True).flatmap(
        lambda chosen: st.fixed_dictionaries({n: value(n) for n in chosen}))


# [fees] has a schema of its own (receivables/fees_config.py; tests/test_fees.py)
_SECTIONS = [name for name in ConfigFile.model_fields if name != "fees"]
_DOCUMENTS = st.lists(st.sampled_from(_SECTIONS), min_size=1, max_size=4, unique=True).flatmap(
    lambda sections: st.fixed_dictionaries({
        s: st.one_of(_wrong_section(_unwrap(ConfigFile.model_fields[s].annotation)), _WRONG["table"])
        for s in sections}))


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """One file the property tests write each example into (module-scoped: examples share it)."""
    return tmp_path_factory.mktemp("config") / CONFIG_NAME


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOCUMENTS)
def test_any_document_of_wrong_values_is_one_config_error_line(scratch, document):
    text = "".join(f"{key} = {_toml(value)}\n" for key, value in document.items())
    assert tomllib.loads(text) == document           # the test's own TOML writer is faithful
    scratch.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(scratch)
    line = str(caught.value)
    assert "\n" not in line and line.startswith(f"{scratch}: ")
    assert any(re.search(rf"(^|[\[ .]){re.escape(section)}\b", line[len(str(scratch)):]) for section in document)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from([(h, k) for h, keys in _tables() for k in keys if not h.startswith("[[")]),
       st.sampled_from(["x", "s", "_"]))
def test_a_misspelt_key_is_refused_with_the_key_it_meant(scratch, header_key, extra):
    header, key = header_key
    scratch.write_text(f"{header}\n{key}{extra} = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(scratch)
    assert str(caught.value).endswith(f"{header} {key}{extra} is not a known key (did you mean {key}?)")


def _one_wrong_value() -> st.SearchStrategy:
    """A document with one wrong value in one key of the schema (a level's key inside a right level), and the
    TOML path the error must name."""
    cases = []
    for section in _SECTIONS:
        model = _unwrap(ConfigFile.model_fields[section].annotation)
        for name in model.model_fields:
            declared = _unwrap(model.model_fields[name].annotation)
            if typing.get_origin(declared) is tuple and _is_model(_unwrap(typing.get_args(declared)[0])):
                level = _unwrap(typing.get_args(declared)[0])
                for key in level.model_fields:
                    cases.append(_WRONG[_field_kind(level, key)].map(
                        lambda v, s=section, n=name, k=key: ({s: {n: [{"name": "a", "days": 1, k: v}]}},
                                                             (f"[[{s}.{n}]] 1 {k}",))))
            cases.append(_WRONG[_field_kind(model, name)].map(lambda v, s=section, n=name: ({s: {n: v}},
                                                                                         (f"[{s}] {n}",
                                                                                          f"[[{s}.{n}]] "))))
    return st.one_of(cases)


@settings(max_examples=400, deadline=None)
@given(_one_wrong_value())
def test_one_wrong_value_anywhere_names_its_key(scratch, case):
    document, where = case
    text = "".join(f"{key} = {_toml(value)}\n" for key, value in document.items())
    scratch.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(scratch)
    line = str(caught.value)
    assert "\n" not in line and line.startswith(tuple(f"{scratch}: {w}" for w in where))
    assert re.search(r": expected .+, found |: it must be | is not a known ", line)
