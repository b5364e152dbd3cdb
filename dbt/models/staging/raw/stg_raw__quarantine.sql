with

source as (

    select * from {{ source('raw', 'quarantine') }}

),

renamed as (

    select
        -- ids
        quarantine_id,
        ingest_file_sha256,

        -- location
        original_name,
        table_kind,
        source_sheet,
        source_row,

        -- why
        rule,
        reason,

        -- timestamps
        quarantined_at

    from source

)

select * from renamed
