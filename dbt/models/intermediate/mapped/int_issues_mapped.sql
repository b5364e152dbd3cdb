{{ config(materialized='view') }}

with

issues as (

    select * from {{ ref('int_issues_counted') }}

),

theme_names as (

    select * from {{ ref('int_theme_names') }}

),

final as (

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
        issues.original_name,
        issues.ingest_seq,
        issues.delivery_seq,
        issues.source_sheet,
        issues.source_sheet_no,
        issues.source_row,

        -- dates
        issues.published_date,

        -- text
        issues.title,

        -- themes
        issues.theme_as_written,
        theme_names.theme_l1,
        theme_names.theme_l2,

        -- 编发形式
        issues.issue_form_as_written,
        issues.issue_form

    from issues
    left join theme_names
        on issues.theme_as_written = theme_names.written_name

)

select * from final
