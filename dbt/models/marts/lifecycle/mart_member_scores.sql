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

member_facts as (

    -- one row per dated fact of a member: a submission received, a
    -- submission first published, an event's points earned
    select
        credits.submitter_key,
        credits.received_date as fact_date,
        1 as received,
        0 as published,
        0 as points
    from credits
    where credits.submitter_key is not null

    union all

    select
        credits.submitter_key,
        credits.first_published_date as fact_date,
        0 as received,
        1 as published,
        0 as points
    from credits
    where credits.submitter_key is not null

    union all

    select
        earned.submitter_key,
        earned.event_date as fact_date,
        0 as received,
        0 as published,
        earned.points
    from earned
    where earned.submitter_key is not null

),

monthly as (

    -- summed per member and month first, then over the periods a month lies
    -- in: one pass over the rows instead of one per period type
    select
        member_facts.submitter_key,
        day_months.month_label,
        sum(member_facts.received) as submissions_received,
        sum(member_facts.published) as submissions_published,
        sum(member_facts.points) as points
    from member_facts
    inner join day_months
        on member_facts.fact_date = day_months.date_day
    group by member_facts.submitter_key, day_months.month_label

),

totals as (

    select
        month_periods.period_type,
        month_periods.period_label,
        monthly.submitter_key,
        sum(monthly.submissions_received) as submissions_received,
        sum(monthly.submissions_published) as submissions_published,
        sum(monthly.points) as points
    from monthly
    inner join month_periods
        on monthly.month_label = month_periods.month_label
    group by
        month_periods.period_type,
        month_periods.period_label,
        monthly.submitter_key

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
        totals.period_type,
        totals.period_label,
        periods.period_start,
        periods.period_end,
        totals.submitter_key,
        members.sector,
        members.unit_name,
        members.region_name,
        cast(totals.submissions_received as integer) as submissions_received,
        cast(totals.submissions_published as integer)
            as submissions_published,
        cast(coalesce(totals.points, 0) as integer) as points
    from totals
    inner join periods
        on
            totals.period_type = periods.period_type
            and totals.period_label = periods.period_label
    inner join members
        on totals.submitter_key = members.submitter_key

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
