with

events as (

    select * from {{ ref('int_lifecycle_events') }}

),

rules as (

    select * from {{ ref('stg_reference__scoring_rules') }}

),

matched as (

    -- the rule valid on the event's day for its event, channel and level; a
    -- rule with a blank channel or level applies to any, and the most
    -- specific rule wins (a blank matches less than a value)
    select
        events.event_id,
        rules.points
    from events
    inner join rules
        on
            events.event_type = rules.event_type
            and coalesce(events.channel = rules.channel, rules.channel is null)
            and coalesce(events.level = rules.level, rules.level is null)
            and events.event_date between rules.valid_from and rules.valid_to
    qualify row_number() over (
        partition by events.event_id
        order by
            (rules.channel is not null)::integer
            + (rules.level is not null)::integer desc,
            rules.points desc
    ) = 1

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
        coalesce(matched.points, 0) as points
    from events
    left join matched
        on events.event_id = matched.event_id

)

select * from final
