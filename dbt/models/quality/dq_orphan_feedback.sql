with

feedback as (

    select * from {{ ref('int_feedback_matched_to_issues') }}

),

files as (

    select * from {{ ref('stg_raw__ingest_files') }}

),

final as (

    select
        feedback.feedback_row_id,
        feedback.issue_no_raw,
        feedback.issue_year,
        feedback.issue_seq,
        feedback.feedback_type,
        feedback.feedback_date,
        files.original_name,
        feedback.source_sheet,
        feedback.source_row
    from feedback
    left join files
        on feedback.ingest_file_sha256 = files.file_sha256
    where feedback.is_orphan
    order by feedback.feedback_date, feedback.feedback_row_id

)

select * from final
