with

issues as (

    select * from {{ ref('int_issues_merged') }}

),

bridge as (

    select * from {{ ref('int_issue_sources_bridged') }}

),

submissions as (

    select * from {{ ref('int_submissions_merged') }}

),

source_regions as (

    select distinct
        bridge.issue_id,
        submissions.region_code,
        submissions.region_name
    from bridge
    inner join submissions
        on bridge.submission_key = submissions.submission_key

),

without_loaded_source as (

    select
        issues.issue_id,
        null as region_code,
        '未知' as region_name
    from issues
    left join source_regions
        on issues.issue_id = source_regions.issue_id
    where source_regions.issue_id is null

),

unioned as (

    select * from source_regions
    union all
    select * from without_loaded_source

)

select * from unioned
