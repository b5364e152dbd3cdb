with

members as (

    select * from {{ ref('stg_raw__hot_topic_members') }}

),

submissions as (

    select * from {{ ref('int_submissions_merged') }}

),

facts as (

    select * from {{ ref('fct_submissions') }}

),

current_members as (

    select distinct
        members.period_type,
        members.period_label,
        members.topic_id,
        members.label,
        facts.submission_id,
        facts.received_date,
        facts.unit_name,
        facts.region_name,
        facts.issue_id
    from members
    inner join submissions
        on members.submission_key = submissions.submission_key
    inner join facts
        on submissions.submission_id = facts.submission_id

),

final as (

    select
        current_members.period_type,
        current_members.period_label,
        current_members.topic_id,
        min(current_members.label) as label,  -- noqa: RF04
        count(distinct current_members.submission_id) as submissions,
        count(distinct current_members.unit_name) as units,
        count(distinct current_members.region_name) as regions,
        min(current_members.received_date) as first_date,
        max(current_members.received_date) as last_date,
        count(distinct current_members.issue_id) as issues_published
    from current_members
    group by
        current_members.period_type,
        current_members.period_label,
        current_members.topic_id
    having
        count(distinct current_members.submission_id) >= 4
        and (
            count(distinct current_members.unit_name) >= 2
            or count(distinct current_members.region_name) >= 2
        )
    order by
        current_members.period_type,
        current_members.period_label,
        current_members.topic_id

)

select * from final
