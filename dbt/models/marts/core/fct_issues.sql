with

issues as (

    select * from {{ ref('int_issues_merged') }}

),

themes as (

    select * from {{ ref('int_issues_themed') }}

),

bridge as (

    select * from {{ ref('int_issue_sources_bridged') }}

),

feedback as (

    select * from {{ ref('int_feedback_resolved') }}

),

source_counts as (

    select
        bridge.issue_id,
        count(*) as submission_count
    from bridge
    group by bridge.issue_id

),

feedback_summary as (

    select
        feedback.issue_id,
        count(*) filter (
            where feedback.feedback_type = '批示'
        ) as instruction_count,
        min(feedback.feedback_date) filter (
            where feedback.feedback_type = '批示'
        ) as first_instruction_date,
        arg_max(feedback.level, feedback.level_rank) filter (
            where feedback.feedback_type = '批示'
        ) as highest_instruction_level,
        -- 采用 means 全国政协's unless a level says otherwise: a 采用 at
        -- 自治区级 or 盟市级 is another body's
        bool_or(
            feedback.feedback_type = '采用'
            and coalesce(feedback.level, '国家级') = '国家级'
        ) as is_adopted_national
    from feedback
    group by feedback.issue_id

),

final as (

    select
        issues.issue_id,
        issues.issue_year,
        issues.issue_seq,
        issues.published_date,
        issues.title,
        themes.theme_l1,
        themes.theme_l2,
        cast(coalesce(source_counts.submission_count, 0) as integer)
            as submission_count,
        cast(coalesce(feedback_summary.instruction_count, 0) as integer)
            as instruction_count,
        coalesce(feedback_summary.instruction_count, 0) > 0 as is_instructed,
        feedback_summary.first_instruction_date,
        cast(date_diff(
            'day',
            issues.published_date,
            feedback_summary.first_instruction_date
        ) as integer) as days_to_first_instruction,
        feedback_summary.highest_instruction_level,
        coalesce(feedback_summary.is_adopted_national, false)
            as is_adopted_national
    from issues
    inner join themes
        on issues.issue_id = themes.issue_id
    left join source_counts
        on issues.issue_id = source_counts.issue_id
    left join feedback_summary
        on issues.issue_id = feedback_summary.issue_id
    order by issues.published_date, issues.issue_id

)

select * from final
