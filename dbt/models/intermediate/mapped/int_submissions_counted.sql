{{ config(materialized='view') }}

with

submissions as (

    select * from {{ ref('stg_raw__submissions') }}

),

deliveries as (

    select * from {{ ref('int_deliveries') }}

),

final as (

    -- rows of deliveries that count: a replaced or retracted file drops out
    select
        -- ids
        submissions.submission_id,
        submissions.submission_key,
        submissions.linked_issue_id,

        -- lineage
        submissions.ingest_file_sha256,
        deliveries.original_name,
        submissions.ingest_seq,
        deliveries.delivery_seq,
        submissions.source_sheet,
        submissions.source_sheet_no,
        submissions.source_row,

        -- dates
        submissions.received_date,

        -- text
        submissions.title,
        submissions.sector,
        submissions.content,

        -- as written
        submissions.region_as_written,
        submissions.theme_as_written,
        submissions.unit_as_written,

        -- personal data, hashed at ingest
        submissions.submitter_hash

    from submissions
    inner join deliveries
        on submissions.ingest_file_sha256 = deliveries.file_sha256
    where not deliveries.is_withdrawn

)

select * from final
