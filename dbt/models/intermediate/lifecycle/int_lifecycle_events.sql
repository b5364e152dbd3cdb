with

issues as (

    select * from {{ ref('int_issues_merged') }}

),

forms as (

    select * from {{ ref('int_issue_forms') }}

),

feedback as (

    select * from {{ ref('int_feedback_resolved') }}

),

own_bulletin as (

    -- the office's own 编发 is each source's first adoption (CONTRACT §5)
    select
        'own:' || issues.issue_id as event_id,
        issues.issue_id,
        '编发' || forms.issue_form as event_type,
        issues.published_date as event_date,
        cast(null as varchar) as channel,
        cast(null as varchar) as level,
        cast(null as varchar) as status
    from issues
    inner join forms
        on issues.issue_id = forms.issue_id

),

higher_bodies as (

    select
        feedback.feedback_id as event_id,
        feedback.issue_id,
        feedback.feedback_type as event_type,
        feedback.feedback_date as event_date,
        feedback.channel,
        feedback.level,
        feedback.status
    from feedback

),

final as (

    select * from own_bulletin
    union all
    select * from higher_bodies

)

select * from final
