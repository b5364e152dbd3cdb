def model(dbt, session):
    """One row per submission whose content nearly repeats an earlier one.

    The matching lives in sqmy_etl.transform.near_duplicates, and the cache
    that spares a full search on every build in near_duplicate_cache (both
    unit-tested there): this model hands them the merged submissions and the
    name of its cache table, next to itself (--full-refresh drops it: the
    pre-hook in _intermediate__models.yml).
    """
    dbt.config(materialized="table")

    from sqmy_etl.transform.near_duplicate_cache import refresh_near_duplicates

    return refresh_near_duplicates(
        session,
        dbt.ref("int_submissions_merged"),
        dbt.this.schema,
        f"{dbt.this.identifier}__sketches",
    )
