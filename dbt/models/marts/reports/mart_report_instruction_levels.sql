-- Instructed issues published in each period by the highest level of their
-- 批示 (未注明级别 when no 批示 gave one): the report's 批示级别 table. Only
-- levels that occur have a row.
with

date_periods as (

    select * from {{ ref('int_date_periods') }}

),

issues as (

    select * from {{ ref('fct_issues') }}

),

final as (

    select
        date_periods.period_type,
        date_periods.period_label,
        coalesce(issues.highest_instruction_level, '未注明级别')
            as highest_instruction_level,
        cast(count(*) as integer) as issues_instructed
    from issues
    inner join date_periods
        on issues.published_date = date_periods.date_day
    where issues.is_instructed
    group by
        date_periods.period_type,
        date_periods.period_label,
        coalesce(issues.highest_instruction_level, '未注明级别')

)

select * from final
