with

source as (

    select * from {{ source('raw', 'ingest_files') }}

),

renamed as (

    select
        -- ids
        file_sha256,
        ingest_seq,

        -- file
        original_name,
        file_format,
        encoding,
        size_bytes,

        -- outcome
        status,
        reason,
        rows_loaded,
        rows_quarantined,

        -- timestamps
        ingested_at

    from source

)

select * from renamed
