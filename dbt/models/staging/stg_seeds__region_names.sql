with

regions as (

    select * from {{ ref('regions') }}

),

aliases as (

    select * from {{ ref('region_aliases') }}

),

canonical_names as (

    select
        regions.region_name as written_name,
        regions.region_code,
        regions.region_name
    from regions

),

alias_names as (

    select
        aliases.alias as written_name,
        regions.region_code,
        regions.region_name
    from aliases
    inner join regions
        on aliases.region_name = regions.region_name

),

unioned as (

    select * from canonical_names
    union all
    select * from alias_names

)

select * from unioned
