with

date_periods as (

    select * from {{ ref('int_date_periods') }}

),

issues as (

    select * from {{ ref('int_issue_lifecycle') }}

),

dim_theme as (

    select * from {{ ref('dim_theme') }}

),

theme_order as (

    select * from {{ ref('theme_l1') }}

),

periods as (

    select distinct
        date_periods.period_type,
        date_periods.period_label,
        date_periods.period_start,
        date_periods.period_end
    from date_periods

),

themes as (

    select dim_theme.theme_l1 from dim_theme
    union
    select '未分类' as theme_l1
    union
    select '全部' as theme_l1

),

issues_by_period as (

    -- an issue belongs to the period it was published in; its later
    -- adoptions, 批示 and responses count there, whenever they came
    select
        date_periods.period_type,
        date_periods.period_label,
        issues.*
    from issues
    inner join date_periods
        on issues.published_date = date_periods.date_day

),

counts as (

    select
        issues_by_period.period_type,
        issues_by_period.period_label,
        issues_by_period.theme_l1,
        {{ funnel_counts('issues_by_period') }}
    from issues_by_period
    group by
        issues_by_period.period_type,
        issues_by_period.period_label,
        issues_by_period.theme_l1

    union all

    select
        issues_by_period.period_type,
        issues_by_period.period_label,
        '全部' as theme_l1,
        {{ funnel_counts('issues_by_period') }}
    from issues_by_period
    group by
        issues_by_period.period_type,
        issues_by_period.period_label

),

final as (

    select
        periods.period_type,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        themes.theme_l1,
        {{ funnel_measures('counts') }}
    from periods
    cross join themes
    left join counts
        on
            periods.period_type = counts.period_type
            and periods.period_label = counts.period_label
            and themes.theme_l1 = counts.theme_l1
    left join theme_order
        on themes.theme_l1 = theme_order.theme_l1
    order by
        case periods.period_type
            when 'year' then 1
            when 'quarter' then 2
            else 3
        end,
        periods.period_start,
        coalesce(theme_order.sort_order, 0)

)

select * from final
