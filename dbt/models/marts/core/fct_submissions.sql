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

resolved_themes as (

    select * from {{ ref('int_submissions_themes_resolved') }}

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
        coalesce(resolved_themes.theme_l1, submissions.theme_l1) as theme_l1,
        case
            when resolved_themes.submission_key is not null
                then resolved_themes.theme_l2
            else submissions.theme_l2
        end as theme_l2,
        coalesce(resolved_themes.theme_source, 'ledger') as theme_source,
        first_issue.issue_id,
        first_issue.issue_id is not null as is_published,
        near_duplicates.possible_duplicate_of,
        submissions.submitter_hash,
        submissions.unit_name
    from submissions
    left join first_issue
        on submissions.submission_id = first_issue.submission_id
    left join near_duplicates
        on submissions.submission_id = near_duplicates.submission_id
    left join resolved_themes
        on submissions.submission_key = resolved_themes.submission_key
    order by submissions.received_date, submissions.submission_id

)

select * from final
