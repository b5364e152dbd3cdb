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

received as (

    {{ measure_per_period(
        'credits', 'received_date', 'unit_name', 'submissions_received'
    ) }}

),

published as (

    {{ measure_per_period(
        'credits', 'first_published_date', 'unit_name', 'submissions_published'
    ) }}

),

daily_events as (

    -- an event counts once for a unit (件), however many of its submissions
    -- the issue merged; its points are earned per submission (CONTRACT §5).
    -- Counted per unit and day first: an event has one date (and an issue
    -- one 编发, on its publication date), so the distinct counts of the days
    -- add up to a period's, and the distinct aggregates see each
    -- (submission, event) row once, not once per period type (1M: 0.9 → 0.3 s)
    select
        earned.unit_name,
        earned.event_date,
        count(distinct earned.issue_id) filter (
            where earned.event_type = '编发单篇'
        ) as issues_single,
        count(distinct earned.issue_id) filter (
            where earned.event_type = '编发综合'
        ) as issues_combined,
        count(distinct earned.event_id) filter (
            where
            earned.event_type = '采用'
            and coalesce(earned.level, '国家级') = '国家级'
        ) as adoptions_national,
        count(distinct earned.event_id) filter (
            where earned.event_type = '采用' and earned.level = '自治区级'
        ) as adoptions_region,
        count(distinct earned.event_id) filter (
            where earned.event_type = '批示' and earned.level = '国家级'
        ) as instructions_national,
        count(distinct earned.event_id) filter (
            where earned.event_type = '批示' and earned.level = '自治区级'
        ) as instructions_region,
        count(distinct earned.event_id) filter (
            where earned.event_type = '批示' and earned.level = '盟市级'
        ) as instructions_league,
        sum(earned.points) as points
    from earned
    where earned.unit_name is not null
    group by earned.unit_name, earned.event_date

),

events as (

    select
        date_periods.period_type,
        date_periods.period_label,
        daily_events.unit_name,
        cast(sum(daily_events.issues_single) as bigint) as issues_single,
        cast(sum(daily_events.issues_combined) as bigint) as issues_combined,
        cast(sum(daily_events.adoptions_national) as bigint)
            as adoptions_national,
        cast(sum(daily_events.adoptions_region) as bigint) as adoptions_region,
        cast(sum(daily_events.instructions_national) as bigint)
            as instructions_national,
        cast(sum(daily_events.instructions_region) as bigint)
            as instructions_region,
        cast(sum(daily_events.instructions_league) as bigint)
            as instructions_league,
        sum(daily_events.points) as points
    from daily_events
    inner join date_periods
        on daily_events.event_date = date_periods.date_day
    group by
        date_periods.period_type,
        date_periods.period_label,
        daily_events.unit_name

),

keys as (

    select
        received.period_type,
        received.period_label,
        received.unit_name
    from received

    union

    select
        published.period_type,
        published.period_label,
        published.unit_name
    from published

    union

    select
        events.period_type,
        events.period_label,
        events.unit_name
    from events

),

final as (

    select
        keys.period_type,
        keys.period_label,
        keys.unit_name,
        coalesce(received.submissions_received, 0) as submissions_received,
        coalesce(published.submissions_published, 0) as submissions_published,
        coalesce(events.issues_single, 0) as issues_single,
        coalesce(events.issues_combined, 0) as issues_combined,
        coalesce(events.adoptions_national, 0) as adoptions_national,
        coalesce(events.adoptions_region, 0) as adoptions_region,
        coalesce(events.instructions_national, 0) as instructions_national,
        coalesce(events.instructions_region, 0) as instructions_region,
        coalesce(events.instructions_league, 0) as instructions_league,
        coalesce(events.points, 0) as points
    from keys
    left join received
        on
            keys.period_type = received.period_type
            and keys.period_label = received.period_label
            and keys.unit_name = received.unit_name
    left join published
        on
            keys.period_type = published.period_type
            and keys.period_label = published.period_label
            and keys.unit_name = published.unit_name
    left join events
        on
            keys.period_type = events.period_type
            and keys.period_label = events.period_label
            and keys.unit_name = events.unit_name

)

select * from final
