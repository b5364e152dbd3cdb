-- Every submission has exactly one region, so per period the regions add up
-- to the submissions of the 全部 row of the period summary.
with

regions as (

    select * from {{ ref('mart_region_summary') }}

),

all_themes as (

    select * from {{ ref('mart_period_summary') }}
    where theme_l1 = '全部'

),

by_region as (

    select
        regions.period_type,
        regions.period_label,
        sum(regions.submissions_received) as submissions_received
    from regions
    group by regions.period_type, regions.period_label

)

select
    all_themes.period_type,
    all_themes.period_label
from all_themes
full outer join by_region
    on
        all_themes.period_type = by_region.period_type
        and all_themes.period_label = by_region.period_label
where
    all_themes.period_label is null
    or by_region.period_label is null
    or all_themes.submissions_received <> by_region.submissions_received
