-- Issues published per submitting unit and period, for the report's 报送单位
-- table. A unit is a 界别 or, for the 盟市政协 sector, the region's 政协
-- (赤峰市政协); never a person. A unit is credited once per issue that has
-- at least one of its submissions among its sources (the issue → source
-- bridge, not fct_submissions.issue_id, so a submission published in several
-- issues counts in each). unit_rank orders by issues, then 批示, then 采用.
with

date_periods as (

    select * from {{ ref('int_date_periods') }}

),

bridge as (

    select * from {{ ref('fct_issue_sources') }}

),

submissions as (

    select * from {{ ref('fct_submissions') }}

),

issues as (

    select * from {{ ref('fct_issues') }}

),

unit_issues as (

    select distinct
        case
            when
                submissions.sector = '盟市政协'
                and submissions.region_name <> '未知'
                then submissions.region_name || '政协'
            else coalesce(submissions.sector, '未注明界别')
        end as submitting_unit,
        bridge.issue_id
    from bridge
    inner join submissions
        on bridge.submission_id = submissions.submission_id

),

counts as (

    select
        date_periods.period_type,
        date_periods.period_label,
        unit_issues.submitting_unit,
        count(*) as issues_published,
        count(*) filter (where issues.is_instructed) as issues_instructed,
        count(*) filter (
            where issues.is_adopted_national
        ) as issues_adopted_national
    from unit_issues
    inner join issues
        on unit_issues.issue_id = issues.issue_id
    inner join date_periods
        on issues.published_date = date_periods.date_day
    group by
        date_periods.period_type,
        date_periods.period_label,
        unit_issues.submitting_unit

),

final as (

    select
        counts.period_type,
        counts.period_label,
        counts.submitting_unit,
        cast(counts.issues_published as integer) as issues_published,
        cast(counts.issues_instructed as integer) as issues_instructed,
        cast(counts.issues_adopted_national as integer)
            as issues_adopted_national,
        cast(row_number() over (
            partition by counts.period_type, counts.period_label
            order by
                counts.issues_published desc,
                counts.issues_instructed desc,
                counts.issues_adopted_national desc,
                counts.submitting_unit asc
        ) as integer) as unit_rank
    from counts

)

select * from final
