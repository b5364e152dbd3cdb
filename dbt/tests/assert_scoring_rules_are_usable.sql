-- A negative point value, or two rules for the same event, channel, level
-- and grade valid on one day (which would give that day two values).
-- Checked in Python before dbt runs; this guards a deployment that runs dbt
-- on its own.
with

rules as (

    select * from {{ ref('stg_reference__scoring_rules') }}

),

numbered as (

    select
        rules.*,
        row_number() over (
            order by rules.event_type, rules.valid_from, rules.points
        ) as rule_number
    from rules

)

select
    numbered.event_type,
    numbered.valid_from,
    'negative points' as problem
from numbered
where numbered.points < 0

union all

select
    earlier.event_type,
    earlier.valid_from,
    'overlapping validity' as problem
from numbered as earlier
inner join numbered as later
    on
        earlier.event_type = later.event_type
        and earlier.channel is not distinct from later.channel
        and earlier.level is not distinct from later.level
        and earlier.grade is not distinct from later.grade
        and earlier.rule_number < later.rule_number
        and earlier.valid_from <= later.valid_to
        and later.valid_from <= earlier.valid_to
