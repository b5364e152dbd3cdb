-- The points of every unit and year equal the points of the events its
-- submissions earned that year, added up again here from the event rows.
with

scores as (

    select * from {{ ref('mart_unit_scores') }}

),

earned as (

    select * from {{ ref('int_submission_event_points') }}

),

recounted as (

    select
        cast(year(earned.event_date) as varchar) as period_label,
        earned.unit_name,
        sum(earned.points) as points
    from earned
    where earned.unit_name is not null
    group by year(earned.event_date), earned.unit_name

)

select
    coalesce(scores.period_label, recounted.period_label) as period_label,
    coalesce(scores.unit_name, recounted.unit_name) as unit_name,
    scores.points as mart_points,
    recounted.points as event_points
from (
    select * from scores where scores.period_type = 'year'
) as scores
full outer join recounted
    on
        scores.period_label = recounted.period_label
        and scores.unit_name = recounted.unit_name
where coalesce(scores.points, 0) <> coalesce(recounted.points, 0)
