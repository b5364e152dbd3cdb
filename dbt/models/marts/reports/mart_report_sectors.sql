-- Submissions received per 界别 and period (by received date), and how many
-- of them went into an issue: the report's 按界别 table. A blank sector is
-- 未注明界别; only sectors that sent something in the period have a row.
with

date_periods as (

    select * from {{ ref('int_date_periods') }}

),

submissions as (

    select * from {{ ref('fct_submissions') }}

),

counts as (

    select
        date_periods.period_type,
        date_periods.period_label,
        coalesce(submissions.sector, '未注明界别') as sector,
        count(*) as submissions_received,
        count(*) filter (
            where submissions.is_published
        ) as submissions_published
    from submissions
    inner join date_periods
        on submissions.received_date = date_periods.date_day
    group by
        date_periods.period_type,
        date_periods.period_label,
        coalesce(submissions.sector, '未注明界别')

),

final as (

    select
        counts.period_type,
        counts.period_label,
        counts.sector,
        cast(counts.submissions_received as integer) as submissions_received,
        cast(counts.submissions_published as integer)
            as submissions_published,
        {{ rate(
            'counts.submissions_published', 'counts.submissions_received'
        ) }} as publish_rate
    from counts

)

select * from final
