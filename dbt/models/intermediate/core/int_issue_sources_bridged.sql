with

issues as (

    select * from {{ ref('int_issues_merged') }}

),

submissions as (

    select * from {{ ref('int_submissions_merged') }}

),

listed_in_ledger as (

    -- unnest in the select list, not a lateral join with ordinality: DuckDB
    -- plans that as a delim join, several times slower (1M)
    select
        issues.issue_id,
        unnest(issues.source_submission_ids) as submission_id,
        generate_subscripts(issues.source_submission_ids, 1) as list_position
    from issues

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

keyed as (

    select
        unioned.*,
        {{ submission_key('unioned.submission_id') }} as submission_key
    from unioned

),

deduplicated as (

    select
        keyed.issue_id,
        keyed.submission_key,
        arg_min(keyed.submission_id, keyed.list_position)
            as first_listed_submission_id,
        min(keyed.list_position) as first_list_position,
        bool_or(keyed.is_linked_in_export) as is_linked_in_export
    from keyed
    group by keyed.issue_id, keyed.submission_key

),

identified as (

    select
        deduplicated.*,
        coalesce(
            submissions.submission_id,
            deduplicated.first_listed_submission_id
        ) as submission_id,
        submissions.submission_key is not null as is_loaded
    from deduplicated
    left join submissions
        on deduplicated.submission_key = submissions.submission_key

),

final as (

    select
        identified.issue_id,
        identified.submission_key,
        identified.submission_id,
        row_number() over (
            partition by identified.issue_id
            order by
                identified.first_list_position asc nulls last,
                identified.submission_id asc
        ) as source_rank,
        identified.first_list_position is not null as is_listed_in_ledger,
        identified.is_linked_in_export,
        identified.is_loaded
    from identified

)

select * from final
