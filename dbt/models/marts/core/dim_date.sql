with

calendar as (

    select * from {{ ref('int_calendar_dates') }}

),

final as (

    select
        calendar.date_day,
        calendar.year_number,
        calendar.quarter_number,
        calendar.month_number,
        calendar.day_of_month,
        calendar.iso_day_of_week,
        calendar.is_weekend,
        calendar.year_label,
        calendar.quarter_label,
        calendar.month_label
    from calendar
    order by calendar.date_day

)

select * from final
