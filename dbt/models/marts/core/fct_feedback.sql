with

feedback as (

    select * from {{ ref('int_feedback_resolved') }}

),

final as (

    select
        feedback.feedback_id,
        feedback.issue_id,
        feedback.feedback_type,
        feedback.level,
        feedback.post,
        feedback.feedback_date,
        feedback.channel,
        feedback.body,
        feedback.status
    from feedback
    order by feedback.feedback_date, feedback.issue_id, feedback.feedback_id

)

select * from final
