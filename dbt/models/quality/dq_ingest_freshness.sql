with

files as (

    select * from {{ ref('stg_raw__ingest_files') }}

),

final as (

    select
        count(*) filter (where files.status = 'loaded') as files_loaded,
        count(*) filter (where files.status = 'rejected') as files_rejected,
        coalesce(sum(files.rows_loaded), 0) as rows_loaded,
        coalesce(sum(files.rows_quarantined), 0) as rows_quarantined,
        min(files.ingested_at) as first_ingested_at,
        max(files.ingested_at) as last_ingested_at,
        {{ var('freshness_warn_days') }} as warn_after_days
    from files

)

select * from final
