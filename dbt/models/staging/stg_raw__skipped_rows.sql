with

source as (

    select * from {{ source('raw', 'skipped_rows') }}

),

deliveries as (

    select * from {{ ref('stg_raw__deliveries') }}

),

renamed as (

    select
        -- lineage
        source.ingest_file_sha256,
        source.original_name,
        deliveries.delivery_seq,
        source.source_sheet,
        source.source_row,

        -- why and what (personal data masked at ingest)
        source.why,
        source.row_text

    from source
    inner join deliveries
        on source.ingest_file_sha256 = deliveries.file_sha256
    where not deliveries.is_withdrawn

)

select * from renamed
