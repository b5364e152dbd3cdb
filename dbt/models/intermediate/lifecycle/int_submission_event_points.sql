with

events as (

    select * from {{ ref('int_lifecycle_event_points') }}

),

sources as (

    select * from {{ ref('int_issue_sources_bridged') }}

),

submissions as (

    select * from {{ ref('int_submissions_merged') }}

),

final as (

    -- each loaded source of an issue earns the points of each event of that
    -- issue (综合 has its own points, never a split), credited to its unit
    -- and its submitter key
    select
        sources.submission_id,
        events.event_id,
        events.issue_id,
        events.event_type,
        events.event_date,
        events.channel,
        events.level,
        events.status,
        events.points,
        submissions.unit_name,
        submissions.submitter_hash as submitter_key
    from events
    inner join sources
        on events.issue_id = sources.issue_id
    inner join submissions
        on sources.submission_key = submissions.submission_key
    where sources.is_loaded

)

select * from final
