def model(dbt, session):
    """One row per submission whose content nearly repeats an earlier one.

    The matching lives in sqmy_etl.transform.near_duplicates (unit-tested
    there); this model only feeds it the merged submissions.
    """
    dbt.config(materialized="table")

    import pyarrow as pa

    from sqmy_etl.transform.near_duplicates import (
        Submission,
        find_near_duplicates,
    )

    merged = dbt.ref("int_submissions_merged")
    rows = merged.project("submission_id, received_date, content").fetchall()
    pairs = find_near_duplicates(Submission(*row) for row in rows)
    return pa.table(
        {
            "submission_id": [p.submission_id for p in pairs],
            "possible_duplicate_of": [p.possible_duplicate_of for p in pairs],
            "similarity": [p.similarity for p in pairs],
        },
        schema=pa.schema(
            [
                ("submission_id", pa.string()),
                ("possible_duplicate_of", pa.string()),
                ("similarity", pa.float64()),
            ]
        ),
    )
