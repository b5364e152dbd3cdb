-- Every rate of the lifecycle funnel is a share of the issues published:
-- in [0, 1], and NULL exactly when nothing was published.
with

funnel as (

    select * from {{ ref('mart_lifecycle_funnel') }}

),

rates as (

    select *
    from funnel
    unpivot include nulls (rate_value for rate_name in (columns('_rate$')))

)

select
    rates.period_label,
    rates.theme_l1,
    rates.rate_name,
    rates.rate_value
from rates
where
    rates.rate_value < 0
    or rates.rate_value > 1
    or (rates.rate_value is null) <> (rates.issues_published = 0)
