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

source_themes as (

    select
        bridge.issue_id,
        submissions.theme_l1,
        submissions.theme_l2,
        count(*) as source_count,
        min(bridge.source_rank) as first_source_rank
    from bridge
    inner join submissions
        on bridge.submission_id = submissions.submission_id
    group by bridge.issue_id, submissions.theme_l1, submissions.theme_l2

),

most_frequent_source_theme as (

    select
        source_themes.issue_id,
        source_themes.theme_l1,
        source_themes.theme_l2
    from source_themes
    qualify row_number() over (
        partition by source_themes.issue_id
        order by
            source_themes.source_count desc,
            source_themes.first_source_rank asc
    ) = 1

),

final as (

    select
        issues.issue_id,
        case
            when issues.own_theme_l1 is not null then issues.own_theme_l1
            when most_frequent_source_theme.theme_l1 is not null
                then most_frequent_source_theme.theme_l1
            else '未分类'
        end as theme_l1,
        case
            when issues.own_theme_l1 is not null then issues.own_theme_l2
            else most_frequent_source_theme.theme_l2
        end as theme_l2,
        case
            when issues.own_theme_l1 is not null then 'own'
            when most_frequent_source_theme.theme_l1 is not null
                then 'sources'
            else 'none'
        end as theme_origin
    from issues
    left join most_frequent_source_theme
        on issues.issue_id = most_frequent_source_theme.issue_id

)

select * from final
