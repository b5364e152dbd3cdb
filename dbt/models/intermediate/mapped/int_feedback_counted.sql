{{ config(materialized='view') }}

with

feedback as (

    select * from {{ ref('stg_raw__feedback') }}

),

deliveries as (

    select * from {{ ref('int_deliveries') }}

),

final as (

    -- rows of deliveries that count: a replaced or retracted file drops out
    select
        -- ids
        feedback.feedback_row_id,
        feedback.issue_no_raw,
        feedback.issue_year,
        feedback.issue_seq,

        -- lineage
        feedback.ingest_file_sha256,
        deliveries.original_name,
        feedback.ingest_seq,
        deliveries.delivery_seq,
        feedback.source_sheet,
        feedback.source_sheet_no,
        feedback.source_row,

        -- dates
        feedback.feedback_date,

        -- categories
        feedback.feedback_type,
        feedback.level_as_written,
        feedback.channel,
        feedback.status_as_written,
        feedback.status,

        -- text
        feedback.post,
        feedback.body

    from feedback
    inner join deliveries
        on feedback.ingest_file_sha256 = deliveries.file_sha256
    where not deliveries.is_withdrawn

)

select * from final
