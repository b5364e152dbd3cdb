-- Rows of each period that the report's 数据质量说明 flags (all still counted
-- in every figure): submissions received in the period whose region is
-- unknown, whose theme is 未分类, without a 界别, or marked as a possible
-- duplicate, and issues published in the period whose theme is 未分类.
-- One row per period of the grid, zeros where nothing was flagged.
with

date_periods as (

    select * from {{ ref('int_date_periods') }}

),

submissions as (

    select * from {{ ref('fct_submissions') }}

),

issues as (

    select * from {{ ref('fct_issues') }}

),

periods as (

    select distinct
        date_periods.period_type,
        date_periods.period_label
    from date_periods

),

submission_flags as (

    select
        date_periods.period_type,
        date_periods.period_label,
        count(*) filter (
            where submissions.region_name = '未知'
        ) as submissions_unknown_region,
        count(*) filter (
            where submissions.theme_l1 = '未分类'
        ) as submissions_unclassified,
        count(*) filter (
            where submissions.sector is null
        ) as submissions_without_sector,
        count(*) filter (
            where submissions.possible_duplicate_of is not null
        ) as submissions_possible_duplicates
    from submissions
    inner join date_periods
        on submissions.received_date = date_periods.date_day
    group by
        date_periods.period_type,
        date_periods.period_label

),

issue_flags as (

    select
        date_periods.period_type,
        date_periods.period_label,
        count(*) filter (where issues.theme_l1 = '未分类') as issues_unclassified
    from issues
    inner join date_periods
        on issues.published_date = date_periods.date_day
    group by
        date_periods.period_type,
        date_periods.period_label

),

final as (

    select
        periods.period_type,
        periods.period_label,
        cast(
            coalesce(submission_flags.submissions_unknown_region, 0) as integer
        ) as submissions_unknown_region,
        cast(
            coalesce(submission_flags.submissions_unclassified, 0) as integer
        ) as submissions_unclassified,
        cast(
            coalesce(submission_flags.submissions_without_sector, 0) as integer
        ) as submissions_without_sector,
        cast(
            coalesce(submission_flags.submissions_possible_duplicates, 0)
            as integer
        ) as submissions_possible_duplicates,
        cast(coalesce(issue_flags.issues_unclassified, 0) as integer)
            as issues_unclassified
    from periods
    left join submission_flags
        on
            periods.period_type = submission_flags.period_type
            and periods.period_label = submission_flags.period_label
    left join issue_flags
        on
            periods.period_type = issue_flags.period_type
            and periods.period_label = issue_flags.period_label

)

select * from final
