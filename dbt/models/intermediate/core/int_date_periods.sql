with

calendar as (

    select * from {{ ref('int_calendar_dates') }}

),

expanded as (

    select
        calendar.date_day,
        'year' as period_type,
        calendar.year_label as period_label
    from calendar

    union all

    select
        calendar.date_day,
        'quarter' as period_type,
        calendar.quarter_label as period_label
    from calendar

    union all

    select
        calendar.date_day,
        'month' as period_type,
        calendar.month_label as period_label
    from calendar

),

final as (

    select
        expanded.date_day,
        expanded.period_type,
        expanded.period_label,
        min(expanded.date_day) over (
            partition by expanded.period_type, expanded.period_label
        ) as period_start,
        max(expanded.date_day) over (
            partition by expanded.period_type, expanded.period_label
        ) as period_end
    from expanded

)

select * from final
