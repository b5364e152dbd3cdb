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

-- a theme a clerk confirmed on a review sheet (or an accepted suggestion) for
-- a source the ledger left 未分类 counts for the issue too (CONTRACT §6)
resolved_themes as (

    select * from {{ ref('int_submissions_themes_resolved') }}

),

source_themes as (

    select
        bridge.issue_id,
        bridge.source_rank,
        coalesce(resolved_themes.theme_l1, submissions.theme_l1) as theme_l1,
        case
            when resolved_themes.submission_key is not null
                then resolved_themes.theme_l2
            else submissions.theme_l2
        end as theme_l2
    from bridge
    inner join submissions
        on bridge.submission_key = submissions.submission_key
    left join resolved_themes
        on submissions.submission_key = resolved_themes.submission_key

),

source_votes as (

    select
        source_themes.issue_id,
        source_themes.source_rank,
        source_themes.theme_l1,
        source_themes.theme_l2
    from source_themes
    where source_themes.theme_l1 <> '未分类'

),

level_one_votes as (

    select
        source_votes.issue_id,
        source_votes.theme_l1,
        count(*) as source_count,
        min(source_votes.source_rank) as first_source_rank
    from source_votes
    group by source_votes.issue_id, source_votes.theme_l1

),

level_one_winners as (

    select
        level_one_votes.issue_id,
        level_one_votes.theme_l1
    from level_one_votes
    qualify row_number() over (
        partition by level_one_votes.issue_id
        order by
            level_one_votes.source_count desc,
            level_one_votes.first_source_rank asc
    ) = 1

),

level_two_votes as (

    select
        source_votes.issue_id,
        source_votes.theme_l2,
        count(*) as source_count,
        min(source_votes.source_rank) as first_source_rank
    from source_votes
    inner join level_one_winners
        on
            source_votes.issue_id = level_one_winners.issue_id
            and source_votes.theme_l1 = level_one_winners.theme_l1
    where source_votes.theme_l2 is not null
    group by source_votes.issue_id, source_votes.theme_l2

),

level_two_winners as (

    select
        level_two_votes.issue_id,
        level_two_votes.theme_l2
    from level_two_votes
    qualify row_number() over (
        partition by level_two_votes.issue_id
        order by
            level_two_votes.source_count desc,
            level_two_votes.first_source_rank asc
    ) = 1

),

final as (

    select
        issues.issue_id,
        case
            when issues.own_theme_l1 is not null then issues.own_theme_l1
            when level_one_winners.theme_l1 is not null
                then level_one_winners.theme_l1
            else '未分类'
        end as theme_l1,
        case
            when issues.own_theme_l1 is not null then issues.own_theme_l2
            else level_two_winners.theme_l2
        end as theme_l2,
        case
            when issues.own_theme_l1 is not null then 'own'
            when level_one_winners.theme_l1 is not null then 'sources'
            else 'none'
        end as theme_origin
    from issues
    left join level_one_winners
        on issues.issue_id = level_one_winners.issue_id
    left join level_two_winners
        on issues.issue_id = level_two_winners.issue_id

)

select * from final
