with

events as (

    select * from {{ ref('int_lifecycle_events') }}

),

rules as (

    select * from {{ ref('stg_reference__scoring_rules') }}

),

kind_points as (

    {{ rule_points('events', 'rules') }}

),

final as (

    select
        events.event_id,
        events.issue_id,
        events.event_type,
        events.event_date,
        events.channel,
        events.level,
        events.status,
        coalesce(kind_points.points, 0) as points
    from events
    left join kind_points
        on
            events.event_type = kind_points.event_type
            and events.channel is not distinct from kind_points.channel
            and events.level is not distinct from kind_points.level
            and events.event_date = kind_points.event_date

)

select * from final
