with

date_periods as (

    select * from {{ ref('int_date_periods') }}

),

units as (

    select * from {{ ref('stg_reference__units') }}

),

activity as (

    select * from {{ ref('int_unit_period_activity') }}

),

rules as (

    select * from {{ ref('stg_reference__scoring_rules') }}

),

periods as (

    select distinct
        date_periods.period_type,
        date_periods.period_label,
        date_periods.period_start,
        date_periods.period_end
    from date_periods

),

rostered as (

    -- every rostered unit has a row in every period (零报送 needs the zeros)
    select
        periods.period_type,
        periods.period_label,
        units.unit_name
    from periods
    cross join units

),

unit_periods as (

    select
        rostered.period_type,
        rostered.period_label,
        rostered.unit_name
    from rostered

    union

    select
        activity.period_type,
        activity.period_label,
        activity.unit_name
    from activity

),

measured as (

    select
        periods.period_type,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        unit_periods.unit_name,
        coalesce(units.unit_type, '未登记单位') as unit_type,
        units.region_name,
        units.annual_quota,
        units.unit_name is not null as is_rostered,
        cast(coalesce(activity.submissions_received, 0) as integer)
            as submissions_received,
        cast(coalesce(activity.submissions_published, 0) as integer)
            as submissions_published,
        cast(coalesce(activity.issues_single, 0) as integer) as issues_single,
        cast(coalesce(activity.issues_combined, 0) as integer)
            as issues_combined,
        cast(coalesce(activity.adoptions_national, 0) as integer)
            as adoptions_national,
        cast(coalesce(activity.adoptions_region, 0) as integer)
            as adoptions_region,
        cast(coalesce(activity.instructions_national, 0) as integer)
            as instructions_national,
        cast(coalesce(activity.instructions_region, 0) as integer)
            as instructions_region,
        cast(coalesce(activity.instructions_league, 0) as integer)
            as instructions_league,
        cast(coalesce(activity.points, 0) as integer) as points
    from unit_periods
    inner join periods
        on
            unit_periods.period_type = periods.period_type
            and unit_periods.period_label = periods.period_label
    left join units
        on unit_periods.unit_name = units.unit_name
    left join activity
        on
            unit_periods.period_type = activity.period_type
            and unit_periods.period_label = activity.period_label
            and unit_periods.unit_name = activity.unit_name

),

quotas as (

    -- the annual quota, and its share of a quarter or a month (rounded up)
    select
        measured.*,
        cast(case measured.period_type
            when 'year' then measured.annual_quota
            when 'quarter' then ceil(measured.annual_quota / 4.0)
            else ceil(measured.annual_quota / 12.0)
        end as integer) as quota
    from measured

),

grades as (

    -- a year's grade: the highest threshold its points reach, by the
    -- thresholds valid on the year's last day
    select
        quotas.period_label,
        quotas.unit_name,
        arg_max(rules.grade, rules.points) as grade
    from quotas
    inner join rules
        on
            rules.event_type = '等次'
            and quotas.points >= rules.points
            and quotas.period_end between rules.valid_from and rules.valid_to
    where quotas.period_type = 'year'
    group by quotas.period_label, quotas.unit_name

),

final as (

    select
        quotas.period_type,
        quotas.period_label,
        quotas.period_start,
        quotas.period_end,
        quotas.unit_name,
        quotas.unit_type,
        quotas.region_name,
        quotas.submissions_received,
        quotas.submissions_published,
        quotas.issues_single,
        quotas.issues_combined,
        quotas.adoptions_national,
        quotas.adoptions_region,
        quotas.instructions_national,
        quotas.instructions_region,
        quotas.instructions_league,
        quotas.points,
        cast(rank() over (
            partition by quotas.period_type, quotas.period_label
            order by quotas.points desc
        ) as integer) as rank_overall,
        cast(rank() over (
            partition by
                quotas.period_type, quotas.period_label, quotas.unit_type
            order by quotas.points desc
        ) as integer) as rank_in_type,
        quotas.quota,
        quotas.submissions_received >= quotas.quota as quota_met,
        quotas.is_rostered and quotas.submissions_received = 0
            as is_zero_report,
        grades.grade
    from quotas
    left join grades
        on
            quotas.period_type = 'year'
            and quotas.period_label = grades.period_label
            and quotas.unit_name = grades.unit_name
    order by
        case quotas.period_type
            when 'year' then 1
            when 'quarter' then 2
            else 3
        end,
        quotas.period_start,
        rank_overall,
        quotas.unit_name

)

select * from final
