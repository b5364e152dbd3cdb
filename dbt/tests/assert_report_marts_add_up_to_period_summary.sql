-- The report marts break down the contract's mart_period_summary: for every
-- period, the 民生 sub-themes add up to the 民生 row, the sectors' submissions
-- and the 批示 levels' issues to the 全部 row.
with

summary as (

    select * from {{ ref('mart_period_summary') }}

),

subthemes as (

    select * from {{ ref('mart_report_minsheng_subthemes') }}

),

sectors as (

    select * from {{ ref('mart_report_sectors') }}

),

levels as (

    select * from {{ ref('mart_report_instruction_levels') }}

),

subtheme_sums as (

    select
        subthemes.period_type,
        subthemes.period_label,
        sum(subthemes.issues_published) as issues_published,
        sum(subthemes.issues_instructed) as issues_instructed,
        sum(subthemes.instructions_total) as instructions_total
    from subthemes
    group by subthemes.period_type, subthemes.period_label

),

sector_sums as (

    select
        sectors.period_type,
        sectors.period_label,
        sum(sectors.submissions_received) as submissions_received
    from sectors
    group by sectors.period_type, sectors.period_label

),

level_sums as (

    select
        levels.period_type,
        levels.period_label,
        sum(levels.issues_instructed) as issues_instructed
    from levels
    group by levels.period_type, levels.period_label

),

minsheng as (

    select * from summary
    where theme_l1 = '民生'

),

all_themes as (

    select * from summary
    where theme_l1 = '全部'

)

select
    all_themes.period_type,
    all_themes.period_label
from all_themes
inner join minsheng
    on
        all_themes.period_type = minsheng.period_type
        and all_themes.period_label = minsheng.period_label
left join subtheme_sums
    on
        all_themes.period_type = subtheme_sums.period_type
        and all_themes.period_label = subtheme_sums.period_label
left join sector_sums
    on
        all_themes.period_type = sector_sums.period_type
        and all_themes.period_label = sector_sums.period_label
left join level_sums
    on
        all_themes.period_type = level_sums.period_type
        and all_themes.period_label = level_sums.period_label
where
    minsheng.issues_published <> coalesce(subtheme_sums.issues_published, 0)
    or minsheng.issues_instructed
    <> coalesce(subtheme_sums.issues_instructed, 0)
    or minsheng.instructions_total
    <> coalesce(subtheme_sums.instructions_total, 0)
    or all_themes.submissions_received
    <> coalesce(sector_sums.submissions_received, 0)
    or all_themes.issues_instructed <> coalesce(level_sums.issues_instructed, 0)
