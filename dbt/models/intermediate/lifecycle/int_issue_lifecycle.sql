with

issues as (

    select * from {{ ref('int_issues_merged') }}

),

themes as (

    select * from {{ ref('int_issues_themed') }}

),

events as (

    select * from {{ ref('int_lifecycle_events') }}

),

by_issue as (

    select
        events.issue_id,
        -- an issue adopted by a higher body was sent up, written down or not
        bool_or(events.event_type in ('报送', '采用')) as is_sent_up,
        -- 采用 means 全国政协's unless a level says otherwise (as fct_issues)
        bool_or(
            events.event_type = '采用' and coalesce(events.level, '国家级') = '国家级'
        ) as is_adopted_national,
        bool_or(events.event_type = '采用' and events.level = '自治区级')
            as is_adopted_region,
        bool_or(events.event_type = '批示') as is_instructed,
        bool_or(events.event_type = '批示' and events.level = '国家级')
            as is_instructed_national,
        bool_or(events.event_type = '批示' and events.level = '自治区级')
            as is_instructed_region,
        bool_or(events.event_type = '批示' and events.level = '盟市级')
            as is_instructed_league,
        bool_or(events.event_type = '办理反馈') as has_response,
        bool_or(events.event_type = '办理反馈' and events.status = '已办结')
            as is_response_done,
        min(events.event_date) filter (where events.event_type = '批示')
            as first_instruction_date,
        min(events.event_date) filter (where events.event_type = '办理反馈')
            as first_response_date
    from events
    group by events.issue_id

),

final as (

    select
        issues.issue_id,
        issues.published_date,
        themes.theme_l1,
        coalesce(by_issue.is_sent_up, false) as is_sent_up,
        coalesce(by_issue.is_adopted_national, false) as is_adopted_national,
        coalesce(by_issue.is_adopted_region, false) as is_adopted_region,
        coalesce(by_issue.is_instructed, false) as is_instructed,
        coalesce(by_issue.is_instructed_national, false)
            as is_instructed_national,
        coalesce(by_issue.is_instructed_region, false) as is_instructed_region,
        coalesce(by_issue.is_instructed_league, false) as is_instructed_league,
        coalesce(by_issue.has_response, false) as has_response,
        coalesce(by_issue.is_response_done, false) as is_response_done,
        date_diff('day', issues.published_date, by_issue.first_instruction_date)
            as days_to_first_instruction,
        date_diff('day', issues.published_date, by_issue.first_response_date)
            as days_to_response
    from issues
    inner join themes
        on issues.issue_id = themes.issue_id
    left join by_issue
        on issues.issue_id = by_issue.issue_id

)

select * from final
