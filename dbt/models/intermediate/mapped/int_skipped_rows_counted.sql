{{ config(materialized='view') }}

with

skipped as (

    select * from {{ ref('stg_raw__skipped_rows') }}

),

deliveries as (

    select * from {{ ref('int_deliveries') }}

),

final as (

    -- rows of deliveries that count: a replaced or retracted file drops out
    select
        -- lineage
        skipped.ingest_file_sha256,
        skipped.original_name,
        deliveries.delivery_seq,
        skipped.source_sheet,
        skipped.source_row,

        -- why and what (personal data masked at ingest)
        skipped.why,
        skipped.row_text

    from skipped
    inner join deliveries
        on skipped.ingest_file_sha256 = deliveries.file_sha256
    where not deliveries.is_withdrawn

)

select * from final
