with

submissions as (

    select * from {{ ref('int_submissions_merged') }}

),

issues as (

    select * from {{ ref('int_issues_merged') }}

),

feedback as (

    select * from {{ ref('int_feedback_resolved') }}

),

data_dates as (

    select submissions.received_date as date_day from submissions
    union all
    select issues.published_date as date_day from issues
    union all
    select feedback.feedback_date as date_day from feedback

),

year_bounds as (

    select
        make_date(cast(min(year(data_dates.date_day)) as integer), 1, 1)
            as first_day,
        make_date(cast(max(year(data_dates.date_day)) as integer), 12, 31)
            as last_day
    from data_dates
    having count(*) > 0

),

spine as (

    select cast(spine_days.generate_series as date) as date_day
    from year_bounds
    cross join
        generate_series(
            year_bounds.first_day, year_bounds.last_day, interval 1 day
        ) as spine_days

),

final as (

    select
        spine.date_day,
        cast(year(spine.date_day) as integer) as year_number,
        cast(quarter(spine.date_day) as integer) as quarter_number,
        cast(month(spine.date_day) as integer) as month_number,
        cast(day(spine.date_day) as integer) as day_of_month,
        cast(isodow(spine.date_day) as integer) as iso_day_of_week,
        isodow(spine.date_day) >= 6 as is_weekend,
        strftime(spine.date_day, '%Y') as year_label,
        strftime(spine.date_day, '%Y') || '-Q'
        || cast(quarter(spine.date_day) as varchar) as quarter_label,
        strftime(spine.date_day, '%Y-%m') as month_label
    from spine

)

select * from final
