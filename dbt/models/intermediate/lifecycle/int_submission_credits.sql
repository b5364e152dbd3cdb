with

submissions as (

    select * from {{ ref('int_submissions_merged') }}

),

bridge as (

    select * from {{ ref('int_issue_sources_bridged') }}

),

issues as (

    select * from {{ ref('int_issues_merged') }}

),

first_issues as (

    -- the issue a submission was first published in (as fct_submissions)
    select
        bridge.submission_key,
        issues.published_date
    from bridge
    inner join issues
        on bridge.issue_id = issues.issue_id
    where bridge.is_loaded
    qualify row_number() over (
        partition by bridge.submission_key
        order by issues.published_date, issues.issue_id
    ) = 1

),

final as (

    select
        submissions.submission_key,
        submissions.submission_id,
        submissions.unit_name,
        submissions.submitter_hash as submitter_key,
        submissions.sector,
        submissions.region_name,
        submissions.received_date,
        first_issues.published_date as first_published_date
    from submissions
    left join first_issues
        on submissions.submission_key = first_issues.submission_key

)

select * from final
