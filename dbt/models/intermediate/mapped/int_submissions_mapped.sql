{{ config(materialized='view') }}

with

submissions as (

    select * from {{ ref('int_submissions_counted') }}

),

region_names as (

    select * from {{ ref('int_region_names') }}

),

theme_names as (

    select * from {{ ref('int_theme_names') }}

),

unit_names as (

    select * from {{ ref('int_unit_names') }}

),

final as (

    select
        -- ids
        submissions.submission_id,
        submissions.submission_key,
        submissions.linked_issue_id,

        -- lineage
        submissions.ingest_file_sha256,
        submissions.original_name,
        submissions.ingest_seq,
        submissions.delivery_seq,
        submissions.source_sheet,
        submissions.source_sheet_no,
        submissions.source_row,

        -- dates
        submissions.received_date,

        -- text
        submissions.title,
        submissions.sector,
        submissions.content,

        -- regions
        submissions.region_as_written,
        region_names.region_code,
        region_names.region_name,

        -- themes
        submissions.theme_as_written,
        theme_names.theme_l1,
        theme_names.theme_l2,

        -- units (报送单位: an organisation, not personal data)
        submissions.unit_as_written,
        unit_names.unit_name,

        -- personal data, hashed at ingest
        submissions.submitter_hash

    from submissions
    left join region_names
        on submissions.region_as_written = region_names.written_name
    left join theme_names
        on submissions.theme_as_written = theme_names.written_name
    left join unit_names
        on submissions.unit_as_written = unit_names.written_name

)

select * from final
