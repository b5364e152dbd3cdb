with

issues as (

    select * from {{ ref('int_issues_merged') }}

),

submissions as (

    select * from {{ ref('int_submissions_merged') }}

),

listed_in_ledger as (

    select
        issues.issue_id,
        listed.submission_id,
        listed.list_position
    from issues
    cross join
        unnest(issues.source_submission_ids)
        with ordinality as listed (submission_id, list_position)

),

linked_in_export as (

    select
        submissions.linked_issue_id as issue_id,
        submissions.submission_id,
        null as list_position
    from submissions
    inner join issues
        on submissions.linked_issue_id = issues.issue_id

),

unioned as (

    select
        listed_in_ledger.issue_id,
        listed_in_ledger.submission_id,
        listed_in_ledger.list_position,
        false as is_linked_in_export
    from listed_in_ledger

    union all

    select
        linked_in_export.issue_id,
        linked_in_export.submission_id,
        linked_in_export.list_position,
        true as is_linked_in_export
    from linked_in_export

),

deduplicated as (

    select
        unioned.issue_id,
        unioned.submission_id,
        min(unioned.list_position) as first_list_position,
        bool_or(unioned.is_linked_in_export) as is_linked_in_export
    from unioned
    group by unioned.issue_id, unioned.submission_id

),

final as (

    select
        deduplicated.issue_id,
        deduplicated.submission_id,
        row_number() over (
            partition by deduplicated.issue_id
            order by
                deduplicated.first_list_position asc nulls last,
                deduplicated.submission_id asc
        ) as source_rank,
        deduplicated.first_list_position is not null as is_listed_in_ledger,
        deduplicated.is_linked_in_export
    from deduplicated

)

select * from final
