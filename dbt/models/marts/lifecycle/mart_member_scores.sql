with

date_periods as (

    select * from {{ ref('int_date_periods') }}

),

credits as (

    select * from {{ ref('int_submission_credits') }}

),

earned as (

    select * from {{ ref('int_submission_event_points') }}

),

latest_first as (

    select
        credits.*,
        cast(credits.received_date as varchar)
        || credits.submission_id as latest_order
    from credits
    where credits.submitter_key is not null

),

members as (

    -- who a member is shown as: the sector, unit and region of their
    -- latest submission (never a name: the key is the submitter hash)
    select
        latest_first.submitter_key,
        arg_max(latest_first.sector, latest_first.latest_order) as sector,
        arg_max(latest_first.unit_name, latest_first.latest_order)
            as unit_name,
        arg_max(latest_first.region_name, latest_first.latest_order)
            as region_name
    from latest_first
    group by latest_first.submitter_key

),

day_months as (

    select
        date_periods.date_day,
        date_periods.period_label as month_label
    from date_periods
    where date_periods.period_type = 'month'

),

month_periods as (

    -- every month with the periods it lies in: its year, its quarter, itself
    select distinct
        day_months.month_label,
        date_periods.period_type,
        date_periods.period_label
    from day_months
    inner join date_periods
        on day_months.date_day = date_periods.date_day

),

-- each measure is summed per member and month first, then over the periods
-- a month lies in: one pass over the rows instead of one per period type

received_monthly as (

    select
        credits.submitter_key,
        day_months.month_label,
        count(*) as submissions_received
    from credits
    inner join day_months
        on credits.received_date = day_months.date_day
    where credits.submitter_key is not null
    group by credits.submitter_key, day_months.month_label

),

published_monthly as (

    select
        credits.submitter_key,
        day_months.month_label,
        count(*) as submissions_published
    from credits
    inner join day_months
        on credits.first_published_date = day_months.date_day
    where credits.submitter_key is not null
    group by credits.submitter_key, day_months.month_label

),

points_monthly as (

    select
        earned.submitter_key,
        day_months.month_label,
        sum(earned.points) as points
    from earned
    inner join day_months
        on earned.event_date = day_months.date_day
    where earned.submitter_key is not null
    group by earned.submitter_key, day_months.month_label

),

received as (

    select
        month_periods.period_type,
        month_periods.period_label,
        received_monthly.submitter_key,
        sum(received_monthly.submissions_received) as submissions_received
    from received_monthly
    inner join month_periods
        on received_monthly.month_label = month_periods.month_label
    group by
        month_periods.period_type,
        month_periods.period_label,
        received_monthly.submitter_key

),

published as (

    select
        month_periods.period_type,
        month_periods.period_label,
        published_monthly.submitter_key,
        sum(published_monthly.submissions_published) as submissions_published
    from published_monthly
    inner join month_periods
        on published_monthly.month_label = month_periods.month_label
    group by
        month_periods.period_type,
        month_periods.period_label,
        published_monthly.submitter_key

),

points as (

    select
        month_periods.period_type,
        month_periods.period_label,
        points_monthly.submitter_key,
        sum(points_monthly.points) as points
    from points_monthly
    inner join month_periods
        on points_monthly.month_label = month_periods.month_label
    group by
        month_periods.period_type,
        month_periods.period_label,
        points_monthly.submitter_key

),

keys as (

    select
        received.period_type,
        received.period_label,
        received.submitter_key
    from received

    union

    select
        published.period_type,
        published.period_label,
        published.submitter_key
    from published

    union

    select
        points.period_type,
        points.period_label,
        points.submitter_key
    from points

),

periods as (

    select distinct
        date_periods.period_type,
        date_periods.period_label,
        date_periods.period_start,
        date_periods.period_end
    from date_periods

),

scored as (

    select
        keys.period_type,
        keys.period_label,
        periods.period_start,
        periods.period_end,
        keys.submitter_key,
        members.sector,
        members.unit_name,
        members.region_name,
        cast(coalesce(received.submissions_received, 0) as integer)
            as submissions_received,
        cast(coalesce(published.submissions_published, 0) as integer)
            as submissions_published,
        cast(coalesce(points.points, 0) as integer) as points
    from keys
    inner join periods
        on
            keys.period_type = periods.period_type
            and keys.period_label = periods.period_label
    inner join members
        on keys.submitter_key = members.submitter_key
    left join received
        on
            keys.period_type = received.period_type
            and keys.period_label = received.period_label
            and keys.submitter_key = received.submitter_key
    left join published
        on
            keys.period_type = published.period_type
            and keys.period_label = published.period_label
            and keys.submitter_key = published.submitter_key
    left join points
        on
            keys.period_type = points.period_type
            and keys.period_label = points.period_label
            and keys.submitter_key = points.submitter_key

),

final as (

    select
        scored.*,
        cast(rank() over (
            partition by scored.period_type, scored.period_label
            order by scored.points desc
        ) as integer) as rank
    from scored
    order by
        case scored.period_type
            when 'year' then 1
            when 'quarter' then 2
            else 3
        end,
        scored.period_start,
        rank,
        scored.submitter_key

)

select * from final
