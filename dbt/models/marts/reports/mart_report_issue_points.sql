-- The points each issue's events earn each of its sources, per period the
-- issue was published in: the 年度考核's 优秀信息 shortlist. Events are the
-- office's own 编发 (单篇 with one source, 综合 with several) and the 报送,
-- 采用 and 批示 on the issue, whenever given; each is scored by the rule of
-- dim_scoring_rules valid on its date (a blank channel or level matches any,
-- the most specific rule wins; no rule scores 0), as CONTRACT §5 says.
with

date_periods as (

    select * from {{ ref('int_date_periods') }}

),

issues as (

    select * from {{ ref('fct_issues') }}

),

feedback as (

    select * from {{ ref('fct_feedback') }}

),

rules as (

    select * from {{ ref('dim_scoring_rules') }}

),

events as (

    select
        issues.issue_id,
        'own:' || issues.issue_id as event_id,
        case
            when issues.submission_count > 1 then '编发综合' else '编发单篇'
        end as event_type,
        cast(null as varchar) as channel,
        cast(null as varchar) as level,
        issues.published_date as event_date
    from issues

    union all

    select
        feedback.issue_id,
        feedback.feedback_id as event_id,
        feedback.feedback_type as event_type,
        feedback.channel,
        feedback.level,
        feedback.feedback_date as event_date
    from feedback
    inner join issues
        on feedback.issue_id = issues.issue_id
    where feedback.feedback_type in ('报送', '采用', '批示')

),

kind_points as (

    {{ rule_points('events', 'rules') }}

),

scored as (

    select
        events.issue_id,
        events.event_type,
        kind_points.points
    from events
    inner join kind_points
        on
            events.event_type is not distinct from kind_points.event_type
            and events.channel is not distinct from kind_points.channel
            and events.level is not distinct from kind_points.level
            and events.event_date is not distinct from kind_points.event_date

),

issue_points as (

    select
        scored.issue_id,
        sum(scored.points) as points,
        count(*) filter (where scored.event_type = '采用') as adoptions,
        count(*) filter (where scored.event_type = '批示') as instructions
    from scored
    group by scored.issue_id

),

final as (

    select
        date_periods.period_type,
        date_periods.period_label,
        issues.issue_id,
        issues.theme_l1,
        issues.published_date,
        cast(issue_points.points as integer) as points,
        cast(issue_points.adoptions as integer) as adoptions,
        cast(issue_points.instructions as integer) as instructions
    from issues
    inner join issue_points
        on issues.issue_id = issue_points.issue_id
    inner join date_periods
        on issues.published_date = date_periods.date_day

)

select * from final
