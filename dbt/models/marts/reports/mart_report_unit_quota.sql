-- Progress towards the annual quota (任务进度 of the 通报): for every period
-- and every unit with a quota in that year, the submissions it sent from
-- January to the period's last month and their share of the quota.
with

date_periods as (

    select * from {{ ref('int_date_periods') }}

),

unit_scores as (

    select * from {{ ref('mart_unit_scores') }}

),

periods as (

    select distinct
        date_periods.period_type,
        date_periods.period_label,
        date_periods.period_start,
        date_periods.period_end,
        cast(year(date_periods.period_start) as varchar) as year_label
    from date_periods

),

months_to_date as (

    -- each period with the months from January of its year to its last month
    select
        periods.period_type,
        periods.period_label,
        months.period_label as month_label
    from periods
    inner join periods as months
        on
            periods.year_label = months.year_label
            and periods.period_end >= months.period_end
            and months.period_type = 'month'

),

quotas as (

    select
        periods.period_type,
        periods.period_label,
        unit_scores.unit_name,
        unit_scores.unit_type,
        unit_scores.quota
    from periods
    inner join unit_scores
        on
            unit_scores.period_type = 'year'
            and periods.year_label = unit_scores.period_label
    where unit_scores.quota > 0

),

received as (

    select
        months_to_date.period_type,
        months_to_date.period_label,
        unit_scores.unit_name,
        sum(unit_scores.submissions_received) as submissions_received_to_date
    from months_to_date
    inner join unit_scores
        on
            unit_scores.period_type = 'month'
            and months_to_date.month_label = unit_scores.period_label
    group by
        months_to_date.period_type,
        months_to_date.period_label,
        unit_scores.unit_name

),

final as (

    select
        quotas.period_type,
        quotas.period_label,
        quotas.unit_name,
        quotas.unit_type,
        cast(quotas.quota as integer) as quota,
        cast(coalesce(received.submissions_received_to_date, 0) as integer)
            as submissions_received_to_date,
        {{ rate(
            'coalesce(received.submissions_received_to_date, 0)', 'quotas.quota'
        ) }} as quota_share
    from quotas
    left join received
        on
            quotas.period_type = received.period_type
            and quotas.period_label = received.period_label
            and quotas.unit_name = received.unit_name

)

select * from final
