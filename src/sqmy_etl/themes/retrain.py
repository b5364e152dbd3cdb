"""Train on the warehouse's labelled submissions: the one entry of `sqmy themes train` and
the monthly retraining in the ``sqmy_maintenance`` DAG."""

from __future__ import annotations

from datetime import datetime

from sqmy_etl.config import SHANGHAI, Settings
from sqmy_etl.themes.train import MIN_PER_CLASS, TrainOutcome, train_and_store


def retrain(settings: Settings, min_per_class: int = MIN_PER_CLASS) -> TrainOutcome:
    """Read the labelled submissions under the writer lock, then train and store (the
    current model stays when the new one scores worse; ``TooFewLabels`` when too few)."""
    from sqmy_etl.themes.corpus import current_submissions, labelled
    from sqmy_etl.warehouse.db import open_warehouse, writer_lock

    rows = []
    if settings.is_lake or settings.warehouse.exists():  # nothing ingested yet: no rows
        with writer_lock(settings):
            con = open_warehouse(settings, read_only=True)
            try:
                rows = labelled(current_submissions(con))
            finally:
                con.close()
    return train_and_store(settings, rows, min_per_class)


def is_retrain_day(as_of: datetime) -> bool:
    """Monthly: the run whose data interval ends on the 1st (Asia/Shanghai) retrains."""
    return as_of.astimezone(SHANGHAI).day == 1
