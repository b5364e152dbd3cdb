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

near_duplicates as (

    select * from {{ ref('int_submissions_near_duplicates') }}

),

first_issue as (

    select
        bridge.submission_id,
        issues.issue_id
    from bridge
    inner join issues
        on bridge.issue_id = issues.issue_id
    qualify row_number() over (
        partition by bridge.submission_id
        order by issues.published_date, issues.issue_id
    ) = 1

),

final as (

    select
        submissions.submission_id,
        submissions.received_date,
        submissions.region_code,
        submissions.region_name,
        submissions.sector,
        submissions.theme_l1,
        submissions.theme_l2,
        first_issue.issue_id,
        first_issue.issue_id is not null as is_published,
        near_duplicates.possible_duplicate_of,
        submissions.submitter_hash
    from submissions
    left join first_issue
        on submissions.submission_id = first_issue.submission_id
    left join near_duplicates
        on submissions.submission_id = near_duplicates.submission_id
    order by submissions.received_date, submissions.submission_id

)

select * from final
