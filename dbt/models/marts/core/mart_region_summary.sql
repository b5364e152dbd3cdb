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

issue_regions as (

    select * from {{ ref('int_issue_regions') }}

),

dim_region as (

    select * from {{ ref('dim_region') }}

),

region_order as (

    select * from {{ ref('regions') }}

),

periods as (

    select distinct
        date_periods.period_type,
        date_periods.period_label,
        date_periods.period_start,
        date_periods.period_end
    from date_periods

),

regions as (

    select
        dim_region.region_code,
        dim_region.region_name
    from dim_region

    union all

    select
        null as region_code,
        '未知' as region_name

),

submission_counts as (

    select
        date_periods.period_type,
        date_periods.period_label,
        submissions.region_name,
        count(*) as submissions_received
    from submissions
    inner join date_periods
        on submissions.received_date = date_periods.date_day
    group by
        date_periods.period_type,
        date_periods.period_label,
        submissions.region_name

),

issue_counts as (

    select
        date_periods.period_type,
        date_periods.period_label,
        issue_regions.region_name,
        {{ issue_measures('issues') }}
    from issues
    inner join issue_regions
        on issues.issue_id = issue_regions.issue_id
    inner join date_periods
        on issues.published_date = date_periods.date_day
    group by
        date_periods.period_type,
        date_periods.period_label,
        issue_regions.region_name

),

final as (

    select
        periods.period_type,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        regions.region_code,
        regions.region_name,
        {{ summary_measures('submission_counts', 'issue_counts') }}
    from periods
    cross join regions
    left join submission_counts
        on
            periods.period_type = submission_counts.period_type
            and periods.period_label = submission_counts.period_label
            and regions.region_name = submission_counts.region_name
    left join issue_counts
        on
            periods.period_type = issue_counts.period_type
            and periods.period_label = issue_counts.period_label
            and regions.region_name = issue_counts.region_name
    left join region_order
        on regions.region_code = region_order.region_code
    order by
        case periods.period_type
            when 'year' then 1
            when 'quarter' then 2
            else 3
        end,
        periods.period_start,
        coalesce(region_order.sort_order, 99)

)

select * from final
