with

events as (

    select * from {{ ref('int_lifecycle_events') }}

),

rules as (

    select * from {{ ref('stg_reference__scoring_rules') }}

),

kinds as (

    -- the rule depends only on these: scored once per kind and day, not per
    -- event (a window over every event's candidate rules, 1M)
    select distinct
        events.event_type,
        events.channel,
        events.level,
        events.event_date
    from events

),

matched as (

    -- the rule valid on the event's day for its event, channel and level; a
    -- rule with a blank channel or level applies to any, and the most
    -- specific rule wins (a blank matches less than a value)
    select
        kinds.event_type,
        kinds.channel,
        kinds.level,
        kinds.event_date,
        rules.points
    from kinds
    inner join rules
        on
            kinds.event_type = rules.event_type
            and coalesce(kinds.channel = rules.channel, rules.channel is null)
            and coalesce(kinds.level = rules.level, rules.level is null)
            and kinds.event_date between rules.valid_from and rules.valid_to
    qualify row_number() over (
        partition by
            kinds.event_type, kinds.channel, kinds.level, kinds.event_date
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
        on
            events.event_type = matched.event_type
            and events.channel is not distinct from matched.channel
            and events.level is not distinct from matched.level
            and events.event_date = matched.event_date

)

select * from final
