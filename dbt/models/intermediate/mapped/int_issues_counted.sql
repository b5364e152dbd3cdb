{{ config(materialized='view') }}

with

issues as (

    select * from {{ ref('stg_raw__issues') }}

),

deliveries as (

    select * from {{ ref('int_deliveries') }}

),

final as (

    -- rows of deliveries that count: a replaced or retracted file drops out
    select
        -- ids
        issues.issue_row_id,
        issues.issue_id,
        issues.issue_year,
        issues.issue_seq,
        issues.issue_no_raw,
        issues.source_submission_ids,

        -- lineage
        issues.ingest_file_sha256,
        deliveries.original_name,
        issues.ingest_seq,
        deliveries.delivery_seq,
        issues.source_sheet,
        issues.source_sheet_no,
        issues.source_row,

        -- dates
        issues.published_date,

        -- text
        issues.title,

        -- as written
        issues.theme_as_written,
        issues.issue_form_as_written,
        issues.issue_form

    from issues
    inner join deliveries
        on issues.ingest_file_sha256 = deliveries.file_sha256
    where not deliveries.is_withdrawn

)

select * from final
