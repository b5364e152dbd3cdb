with

source as (

    select * from {{ source('raw', 'skipped_rows') }}

),

renamed as (

    select
        -- lineage
        source.ingest_file_sha256,
        source.original_name,
        source.source_sheet,
        source.source_row,

        -- why and what (personal data masked at ingest)
        source.why,
        source.row_text

    from source

)

select * from renamed
