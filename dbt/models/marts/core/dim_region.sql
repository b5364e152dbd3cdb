with

regions as (

    select * from {{ ref('regions') }}

),

final as (

    select
        regions.region_code,
        regions.region_name
    from regions
    order by regions.sort_order

)

select * from final
