with

matched as (

    select * from {{ ref('int_feedback_matched_to_issues') }}

),

deduplicated as (

    select
        matched.issue_id,
        matched.feedback_type,
        matched.level_as_written,
        matched.post,
        matched.feedback_date,
        any_value(matched.level) as level,
        any_value(matched.level_rank) as level_rank,
        count(*) as delivery_count,
        min(matched.ingest_seq) as first_ingest_seq
    from matched
    where not matched.is_orphan
    group by
        matched.issue_id,
        matched.feedback_type,
        matched.level_as_written,
        matched.post,
        matched.feedback_date

),

final as (

    select
        left(md5(concat_ws(
            '|',
            deduplicated.issue_id,
            deduplicated.feedback_type,
            coalesce(deduplicated.level_as_written, ''),
            coalesce(deduplicated.post, ''),
            cast(deduplicated.feedback_date as varchar)
        )), 16) as feedback_id,
        deduplicated.*
    from deduplicated

)

select * from final
