-- For every period, the theme rows add up to the 全部 row on every count.
with

summary as (

    select * from {{ ref('mart_period_summary') }}

),

by_theme as (

    select
        summary.period_type,
        summary.period_label,
        sum(summary.submissions_received) as submissions_received,
        sum(summary.issues_published) as issues_published,
        sum(summary.issues_instructed) as issues_instructed,
        sum(summary.instructions_total) as instructions_total,
        sum(summary.issues_adopted_national) as issues_adopted_national
    from summary
    where summary.theme_l1 <> '全部'
    group by summary.period_type, summary.period_label

),

all_themes as (

    select * from summary
    where summary.theme_l1 = '全部'

)

select
    all_themes.period_type,
    all_themes.period_label
from all_themes
full outer join by_theme
    on
        all_themes.period_type = by_theme.period_type
        and all_themes.period_label = by_theme.period_label
where
    all_themes.period_label is null
    or by_theme.period_label is null
    or all_themes.submissions_received <> by_theme.submissions_received
    or all_themes.issues_published <> by_theme.issues_published
    or all_themes.issues_instructed <> by_theme.issues_instructed
    or all_themes.instructions_total <> by_theme.instructions_total
    or all_themes.issues_adopted_national <> by_theme.issues_adopted_national
