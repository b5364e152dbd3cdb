with

submissions as (

    select * from {{ ref('int_submissions_merged') }}

),

issues as (

    select * from {{ ref('int_issues_merged') }}

),

feedback as (

    select * from {{ ref('int_feedback_matched_to_issues') }}

),

issue_versions as (

    select * from {{ ref('int_issues_counted') }}

),

unmapped as (

    select
        'region' as field_name,
        submissions.region_as_written as value_as_written,
        '未知' as mapped_to
    from submissions
    where submissions.is_region_unknown

    union all

    select
        'submission_theme' as field_name,
        submissions.theme_as_written as value_as_written,
        '未分类' as mapped_to
    from submissions
    where submissions.is_theme_unknown

    union all

    select
        'issue_theme' as field_name,
        issues.theme_as_written as value_as_written,
        '未分类' as mapped_to
    from issues
    where issues.is_theme_unknown

    union all

    select
        'feedback_level' as field_name,
        feedback.level_as_written as value_as_written,
        'NULL' as mapped_to
    from feedback
    where feedback.level_as_written is not null and feedback.level is null

    union all

    select
        'unit' as field_name,
        submissions.unit_as_written as value_as_written,
        '未登记单位' as mapped_to
    from submissions
    where submissions.is_unit_unknown

    union all

    select
        'feedback_body' as field_name,
        feedback.body as value_as_written,
        'NULL' as mapped_to
    from feedback
    where
        feedback.body is not null
        and feedback.level_as_written is null
        and feedback.level is null

    union all

    select
        'feedback_status' as field_name,
        feedback.status_as_written as value_as_written,
        'NULL' as mapped_to
    from feedback
    where feedback.status_as_written is not null and feedback.status is null

    union all

    select
        'issue_form' as field_name,
        issue_versions.issue_form_as_written as value_as_written,
        '按来源稿件数' as mapped_to
    from issue_versions
    where
        issue_versions.issue_form_as_written is not null
        and issue_versions.issue_form is null

),

final as (

    select
        unmapped.field_name,
        unmapped.value_as_written,
        unmapped.mapped_to,
        count(*) as row_count
    from unmapped
    group by unmapped.field_name, unmapped.value_as_written, unmapped.mapped_to
    order by
        unmapped.field_name asc,
        row_count desc,
        unmapped.value_as_written asc

)

select * from final
