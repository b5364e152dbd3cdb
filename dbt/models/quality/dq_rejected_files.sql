with

files as (

    select * from {{ ref('stg_raw__ingest_files') }}

),

final as (

    select
        files.original_name,
        files.file_format,
        files.size_bytes,
        files.reason,
        files.ingested_at
    from files
    where files.status = 'rejected'
    order by files.ingested_at, files.original_name

)

select * from final
