{{ config(materialized='view') }}

with

body_levels as (

    select * from {{ ref('body_levels') }}

),

regions as (

    select * from {{ ref('regions') }}

),

region_aliases as (

    select * from {{ ref('region_aliases') }}

),

lowest_precedence as (

    select max(body_levels.precedence) + 1 as precedence
    from body_levels

),

region_spellings as (

    -- a 盟市 body starts with its 盟市's name or alias (赤峰市委办公室,
    -- 锡盟行署); 自治区本级's spellings (自治区, 内蒙古) are not a 盟市
    select regions.region_name as keyword
    from regions
    where regions.region_code <> '150000'

    union

    select region_aliases.alias as keyword
    from region_aliases
    inner join regions
        on region_aliases.region_name = regions.region_name
    where regions.region_code <> '150000'

),

keywords as (

    select
        body_levels.keyword,
        body_levels.level,
        body_levels.precedence,
        false as is_prefix
    from body_levels

    union all

    select
        region_spellings.keyword,
        '盟市级' as level,
        lowest_precedence.precedence,
        true as is_prefix
    from region_spellings
    cross join lowest_precedence

)

select * from keywords
