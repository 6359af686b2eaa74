"""The shift log: entries kept by the hub API (``/api/v1/log``) so every workstation sees the
same log, items flagged open carried forward until someone clears them.

- :mod:`console.shiftlog.model`: entries, the poll snapshot, limits and the check of a new
  entry (Qt-free, no I/O);
- :mod:`console.shiftlog.store`: the hub side's SQLite store (the simulated hub and
  ``main.py hub --log-only``);
- :mod:`console.shiftlog.decode`: the hub's answers read as entries;
- :mod:`console.shiftlog.outbox`: writes kept on this workstation until the hub confirms them;
- :mod:`console.shiftlog.client`: the HTTP client (reads, writes, the outbox's flush);
- :mod:`console.shiftlog.writer`: a live console's writes (kept, sent, told back);
- :mod:`console.shiftlog.csvtext`: the log as CSV text no spreadsheet reads as a formula;
- :mod:`console.shiftlog.cli`: ``main.py log add`` and ``main.py log list``.

This package imports no module of it here, so the hub imports the store without the client.
"""
