"""Run django_tasks_db's own worker loop in the test process, for the tasks waiting."""

from __future__ import annotations

from django_tasks_db.management.commands import db_worker


def run_worker(monkeypatch, *, max_tasks: int = 1) -> None:
    """Claim and run up to ``max_tasks`` waiting tasks with the library's Worker.

    The worker recycles database connections between tasks (close_old_connections); in a
    test that would close the connection holding the test's transaction on PostgreSQL, so
    only that is switched off. Picking, claiming, running and recording are the library's.
    """
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id="test",
        excluded_queue_names=[],
    ).run()
