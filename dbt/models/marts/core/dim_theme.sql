with

taxonomy as (

    select * from {{ ref('theme_taxonomy') }}

),

level_one as (

    select * from {{ ref('theme_l1') }}

),

themes as (

    select
        level_one.theme_l1,
        cast(null as varchar) as theme_l2,
        level_one.is_minsheng,
        level_one.sort_order * 100 as sort_order
    from level_one

    union all

    select
        taxonomy.theme_l1,
        taxonomy.theme_l2,
        taxonomy.is_minsheng,
        taxonomy.sort_order
    from taxonomy

),

final as (

    select
        themes.theme_l1,
        themes.theme_l2,
        themes.is_minsheng
    from themes
    order by themes.sort_order

)

select * from final
