{{ config(
    materialized=touched_materialization(),
    unique_key='feedback_row_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}

-- depends_on: {{ ref('int_feedback_touched_issues') }}

with

all_feedback as (

    select * from {{ ref('int_feedback_mapped') }}

),

issues as (

    select * from {{ ref('int_issues_merged') }}

),

feedback as (

    select all_feedback.*
    from all_feedback
    {% if merges_touched_only() %}
        -- an incremental run matches again only new rows and the rows of the
        -- sequence numbers a new issue or correction touched
        where
            {{ touched_since('all_feedback.ingest_seq') }}
            or all_feedback.issue_seq in (
                select touched.issue_seq
                from {{ ref('int_feedback_touched_issues') }} as touched
            )
    {% endif %}

),

numbered_with_year as (

    select
        feedback.feedback_row_id,
        issues.issue_id
    from feedback
    inner join issues
        on
            feedback.issue_year = issues.issue_year
            and feedback.issue_seq = issues.issue_seq

),

numbered_without_year as (

    select
        feedback.feedback_row_id,
        issues.issue_id
    from feedback
    inner join issues
        on
            feedback.issue_seq = issues.issue_seq
            and feedback.feedback_date >= issues.published_date
            and feedback.feedback_date <= issues.published_date + 365
    where feedback.issue_year is null
    qualify row_number() over (
        partition by feedback.feedback_row_id
        order by issues.published_date desc, issues.issue_id desc
    ) = 1

),

matches as (

    select * from numbered_with_year
    union all
    select * from numbered_without_year

),

final as (

    select
        -- ids
        feedback.feedback_row_id,
        matches.issue_id,
        feedback.issue_no_raw,
        feedback.issue_year,
        feedback.issue_seq,

        -- lineage
        feedback.ingest_file_sha256,
        feedback.original_name,
        feedback.ingest_seq,
        feedback.delivery_seq,
        feedback.source_sheet,
        feedback.source_sheet_no,
        feedback.source_row,

        -- dates
        feedback.feedback_date,

        -- categories
        feedback.feedback_type,
        feedback.level_as_written,
        feedback.level,
        feedback.level_rank,
        feedback.channel,
        feedback.status_as_written,
        feedback.status,

        -- text
        feedback.post,
        feedback.body,

        matches.issue_id is null as is_orphan

    from feedback
    left join matches
        on feedback.feedback_row_id = matches.feedback_row_id

)

select * from final
