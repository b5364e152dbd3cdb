-- 民生 issues per level-2 theme and period, for the report's 民生类细分 table:
-- every known 民生 sub-theme in every period (zeros included), plus 未细分
-- (and any sub-theme the taxonomy does not know) where such issues exist.
with

date_periods as (

    select * from {{ ref('int_date_periods') }}

),

issues as (

    select * from {{ ref('fct_issues') }}

),

dim_theme as (

    select * from {{ ref('dim_theme') }}

),

periods as (

    select distinct
        date_periods.period_type,
        date_periods.period_label
    from date_periods

),

subthemes as (

    select distinct dim_theme.theme_l2
    from dim_theme
    where dim_theme.theme_l1 = '民生' and dim_theme.theme_l2 is not null

),

grid as (

    select
        periods.period_type,
        periods.period_label,
        subthemes.theme_l2
    from periods
    cross join subthemes

),

counts as (

    select
        date_periods.period_type,
        date_periods.period_label,
        coalesce(issues.theme_l2, '未细分') as theme_l2,
        count(*) as issues_published,
        count(*) filter (where issues.is_instructed) as issues_instructed,
        sum(issues.instruction_count) as instructions_total
    from issues
    inner join date_periods
        on issues.published_date = date_periods.date_day
    where issues.theme_l1 = '民生'
    group by
        date_periods.period_type,
        date_periods.period_label,
        coalesce(issues.theme_l2, '未细分')

),

final as (

    select
        coalesce(grid.period_type, counts.period_type) as period_type,
        coalesce(grid.period_label, counts.period_label) as period_label,
        coalesce(grid.theme_l2, counts.theme_l2) as theme_l2,
        cast(coalesce(counts.issues_published, 0) as integer)
            as issues_published,
        cast(coalesce(counts.issues_instructed, 0) as integer)
            as issues_instructed,
        {{ rate('counts.issues_instructed', 'counts.issues_published') }}
            as instruction_rate,
        cast(coalesce(counts.instructions_total, 0) as integer)
            as instructions_total
    from grid
    full outer join counts
        on
            grid.period_type = counts.period_type
            and grid.period_label = counts.period_label
            and grid.theme_l2 = counts.theme_l2

)

select * from final
