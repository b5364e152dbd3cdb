with

quarantine as (

    select * from {{ ref('stg_raw__quarantine') }}

),

final as (

    select
        quarantine.table_kind,
        quarantine.rule,
        quarantine.reason,
        count(*) as row_count,
        string_agg(distinct quarantine.original_name, '、') as file_names
    from quarantine
    group by quarantine.table_kind, quarantine.rule, quarantine.reason
    order by quarantine.rule asc, row_count desc, quarantine.reason asc

)

select * from final
