"""Screenshots of the console on real backends.

``shoot_slurm_jobs(out_dir)`` reads the job queue from the real slurmrestd that
``.ci/services.sh`` starts (URL and token from ``$HUBCI_DIR/env``) and shows it in
the job queue view.
"""

from __future__ import annotations

import os
from pathlib import Path

HUBCI_ENV = Path(os.environ.get("HUBCI_DIR", "/tmp/hubci")) / "env"

# The accounts the CI jobs are submitted under, with their tenant kind and country.
CI_TENANT_KINDS = {
    "research-ma": "research",
    "startup-us": "startup",
    "enterprise-fr": "enterprise",
}
CI_TENANT_COUNTRIES = {"research-ma": "MA", "startup-us": "US", "enterprise-fr": "FR"}


def _app() -> object:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from resources import theme_qss

    app = QApplication.instance() or QApplication([])
    app.setStyleSheet(theme_qss())
    return app


def shoot_slurm_jobs(out_dir: str | Path) -> list[Path]:
    """The real Slurm jobs in :class:`widgets.jobs.JobQueueView`; returns the PNG paths."""
    from console.sources.base import FetchContext
    from console.sources.slurm import SlurmSource
    from widgets.jobs import JobQueueView

    if not HUBCI_ENV.is_file():
        raise RuntimeError(f"real Slurm not running: start it with .ci/services.sh ({HUBCI_ENV})")
    env = dict(line.split("=", 1) for line in HUBCI_ENV.read_text().splitlines() if "=" in line)
    app = _app()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with SlurmSource(
        env["HUBCI_SLURM_URL"],
        token=env["SLURM_JWT"],
        tenant_kinds=CI_TENANT_KINDS,
        tenant_countries=CI_TENANT_COUNTRIES,
    ) as source:
        jobs = source.fetch("jobs", FetchContext())
    view = JobQueueView()
    view.resize(1960, 330)
    view.apply(jobs)
    view.set_data_age(jobs.age(), False)
    view.show()
    view.flush()
    app.processEvents()  # type: ignore[attr-defined]
    path = out / "slurm_jobs.png"
    view.grab().save(str(path))
    view.close()
    view.deleteLater()
    return [path]


if __name__ == "__main__":
    import sys

    for p in shoot_slurm_jobs(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"):
        print(p)
