-- Days from publication to the first 批示 for the instructed issues published
-- in each period (every period of the grid, zeros and NULLs where none): the
-- report's 批示时效 table and sentence. Buckets are inclusive day ranges;
-- mean and median are over the same issues.
with

date_periods as (

    select * from {{ ref('int_date_periods') }}

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

timed as (

    select
        date_periods.period_type,
        date_periods.period_label,
        issues.days_to_first_instruction as waited
    from issues
    inner join date_periods
        on issues.published_date = date_periods.date_day
    where
        issues.is_instructed
        and issues.days_to_first_instruction is not null

),

measures as (

    select
        timed.period_type,
        timed.period_label,
        count(*) as issues_timed,
        count(*) filter (where timed.waited between 0 and 7) as days_0_to_7,
        count(*) filter (where timed.waited between 8 and 15) as days_8_to_15,
        count(*) filter (where timed.waited between 16 and 30) as days_16_to_30,
        count(*) filter (where timed.waited between 31 and 60) as days_31_to_60,
        count(*) filter (where timed.waited >= 61) as days_over_60,
        count(*) filter (where timed.waited <= 30) as issues_within_30_days,
        avg(timed.waited) as mean_days,
        median(timed.waited) as median_days
    from timed
    group by
        timed.period_type,
        timed.period_label

),

final as (

    select
        periods.period_type,
        periods.period_label,
        cast(coalesce(measures.issues_timed, 0) as integer) as issues_timed,
        cast(coalesce(measures.days_0_to_7, 0) as integer) as days_0_to_7,
        cast(coalesce(measures.days_8_to_15, 0) as integer) as days_8_to_15,
        cast(coalesce(measures.days_16_to_30, 0) as integer) as days_16_to_30,
        cast(coalesce(measures.days_31_to_60, 0) as integer) as days_31_to_60,
        cast(coalesce(measures.days_over_60, 0) as integer) as days_over_60,
        cast(coalesce(measures.issues_within_30_days, 0) as integer)
            as issues_within_30_days,
        cast(measures.mean_days as double) as mean_days,
        cast(measures.median_days as double) as median_days
    from periods
    left join measures
        on
            periods.period_type = measures.period_type
            and periods.period_label = measures.period_label

)

select * from final
