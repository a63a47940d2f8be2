"""The jobs the desk runs: one module per use case, called alike by the command line (:mod:`cli`), the
workbook's buttons (:mod:`excel.buttons`) and the scheduler.

Each job takes plain arguments (a source or books, an as-of date, :class:`~jobs.settings.Settings`, where to
write) and returns a result value; it opens books, calls the engine (:mod:`receivables`) and hands the engine's
rows to a writer (:mod:`excel`). Jobs compute nothing themselves and import neither pandas nor numpy.

- :mod:`jobs.settings`  the configuration and ledger a job works with
- :mod:`jobs.sources`   SOURCE (a QuickBooks export or folder, ``odoo``, ``ledger``) to books
- :mod:`jobs.pull`      store a snapshot of a source in the ledger
- :mod:`jobs.reports`   aging, DSO, customers, forecast for one source at one date
- :mod:`jobs.refresh`   the panel's numbers for the buttons, and the headless refresh of a workbook file
- :mod:`jobs.workbook`  a new desk (``init``), a new or checked control panel
- :mod:`jobs.demo`      the bundled sample books through the whole flow
- :mod:`jobs.inputs`    the Control sheet's inputs, read one way for every front
- :mod:`jobs.scheduled` the table of jobs ``ardesk jobs run`` runs on the timetables of ``[jobs]``
- :mod:`jobs.scheduler` ``ardesk jobs run``: the timetables, one scheduler per ledger, catch-up, stop, records
- :mod:`jobs.runs`      the jobs' last runs in words (``ardesk jobs list``, the Control sheet's Jobs block)
- :mod:`jobs.services`  the service definitions that run the scheduler (systemd, Task Scheduler, launchd)

Reminders, the write-back of notes, the worklist and the scheduler that runs jobs on a timetable each get a
module here of their own.
"""
