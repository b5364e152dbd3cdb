{% snapshot snap_submissions %}

{{ config(
    unique_key='submission_key',
    strategy='check',
    check_cols=['row_hash'],
    hard_deletes='ignore',
    pre_hook="{{ backfill_snapshot_row_hash() }}",
) }}

{#- An incremental build (sqmy_etl.transform.incremental) compares only the
    ids its deliveries touched; the others cannot have changed, and an id
    left out is not taken for deleted (hard_deletes: ignore). -#}
select
    merged.*,
    {{ submission_row_hash('merged') }} as row_hash
from {{ ref('int_submissions_merged') }} as merged
{% if since_ingest_seq() != '' %}
    where merged.submission_key in (
        select touched.submission_key
        from {{ ref('int_submissions_mapped') }} as touched
        where {{ touched_since('touched.ingest_seq') }}
    )
{% endif %}

{% endsnapshot %}
