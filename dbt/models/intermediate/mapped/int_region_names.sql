{{ config(materialized='view') }}

with

regions as (

    select * from {{ ref('regions') }}

),

aliases as (

    select * from {{ ref('region_aliases') }}

),

counties as (

    select * from {{ ref('county_regions') }}

),

county_aliases as (

    select * from {{ ref('county_aliases') }}

),

affixes as (

    select * from {{ ref('name_affixes') }}

),

submissions as (

    select * from {{ ref('stg_raw__submissions') }}

),

county_spellings as (

    -- a county's name, without 市 (满洲里), without 县 / 旗 (宁城, 敖汉), or as
    -- offices shorten it (科右前旗, 达茂旗, 准旗: the county_aliases seed)
    select
        counties.county_name as written_name,
        counties.region_code,
        4 as precedence
    from counties

    union all

    select
        regexp_replace(counties.county_name, '市$', '') as written_name,
        counties.region_code,
        5 as precedence
    from counties
    where regexp_matches(counties.county_name, '.市$')

    union all

    select
        county_aliases.alias as written_name,
        counties.region_code,
        6 as precedence
    from county_aliases
    inner join counties
        on county_aliases.county_name = counties.county_name

    union all

    select
        regexp_replace(counties.county_name, '[县旗]$', '') as written_name,
        counties.region_code,
        7 as precedence
    from counties
    where regexp_matches(counties.county_name, '..[县旗]$')

),

spellings as (

    select
        regions.region_name as written_name,
        regions.region_code,
        1 as precedence
    from regions

    union all

    select
        aliases.alias as written_name,
        regions.region_code,
        2 as precedence
    from aliases
    inner join regions
        on aliases.region_name = regions.region_name

    union all

    select
        regexp_replace(regions.region_name, '[盟市]$', '') as written_name,
        regions.region_code,
        3 as precedence
    from regions
    where regexp_matches(regions.region_name, '.[盟市]$')

    union all

    select
        county_spellings.written_name,
        county_spellings.region_code,
        county_spellings.precedence
    from county_spellings

),

ranked_spellings as (

    select
        spellings.written_name,
        spellings.region_code,
        rank() over (
            partition by spellings.written_name
            order by spellings.precedence
        ) as spelling_rank
    from spellings

),

known_names as (

    select
        ranked_spellings.written_name,
        min(ranked_spellings.region_code) as region_code
    from ranked_spellings
    where ranked_spellings.spelling_rank = 1
    group by ranked_spellings.written_name
    having count(distinct ranked_spellings.region_code) = 1

),

written_values as (

    select distinct submissions.region_as_written as written_value
    from submissions
    where
        submissions.region_as_written is not null
        and submissions.region_as_written not in (
            select known_names.written_name from known_names
        )

),

prefixes as (

    select affixes.affix
    from affixes
    where affixes.applies_to = 'region' and affixes.affix_position = 'prefix'

),

suffixes as (

    select affixes.affix
    from affixes
    where affixes.applies_to = 'region' and affixes.affix_position = 'suffix'

),

body_readings as (

    select
        written_values.written_value,
        left(
            written_values.written_value,
            length(written_values.written_value) - length(suffixes.affix)
        ) as reading,
        1 as reading_rank
    from written_values
    inner join suffixes
        on
            ends_with(written_values.written_value, suffixes.affix)
            and length(written_values.written_value) > length(suffixes.affix)

    union all

    select
        written_values.written_value,
        substring(
            written_values.written_value, length(prefixes.affix) + 1
        ) as reading,
        2 as reading_rank
    from written_values
    inner join prefixes
        on
            starts_with(written_values.written_value, prefixes.affix)
            and length(written_values.written_value) > length(prefixes.affix)

    union all

    select
        written_values.written_value,
        substring(
            written_values.written_value,
            length(prefixes.affix) + 1,
            length(written_values.written_value)
            - length(prefixes.affix)
            - length(suffixes.affix)
        ) as reading,
        3 as reading_rank
    from written_values
    inner join prefixes
        on starts_with(written_values.written_value, prefixes.affix)
    inner join suffixes
        on
            ends_with(written_values.written_value, suffixes.affix)
            and length(written_values.written_value)
            > length(prefixes.affix) + length(suffixes.affix)

    union all

    -- 赤峰市(红山区), 红山区(赤峰): the name before a note in brackets
    select
        written_values.written_value,
        regexp_replace(
            written_values.written_value, '\s*[(\[【][^()\[\]【】]*[)\]】]$', ''
        ) as reading,
        4 as reading_rank
    from written_values
    where regexp_matches(written_values.written_value, '[)\]】]$')

),

bodies as (

    select
        body_readings.written_value as written_name,
        known_names.region_code
    from body_readings
    inner join known_names
        on body_readings.reading = known_names.written_name
    qualify row_number() over (
        partition by body_readings.written_value
        order by body_readings.reading_rank asc, body_readings.reading asc
    ) = 1

),

unprefixed as (

    -- 内蒙古自治区赤峰市红山区: the province's name adds nothing
    select
        written_values.written_value,
        regexp_replace(
            written_values.written_value, '^内蒙古(自治区)?', ''
        ) as unprefixed_value
    from written_values

),

cities_with_county as (

    -- 赤峰市红山区 / 呼和浩特市赛罕区: a 盟市 followed by one of its own counties
    select
        unprefixed.written_value as written_name,
        regions.region_code
    from unprefixed
    inner join regions
        on starts_with(unprefixed.unprefixed_value, regions.region_name)
    inner join county_spellings
        on
            regions.region_code = county_spellings.region_code
            and substring(
                unprefixed.unprefixed_value, length(regions.region_name) + 1
            ) = county_spellings.written_name
    where unprefixed.written_value not in (
        select bodies.written_name from bodies
    )

),

codes as (

    select
        written_values.written_value as written_name,
        regions.region_code
    from written_values
    inner join regions
        on regions.region_code = case
            when left(written_values.written_value, 6) = '150000'
                then '150000'
            when substring(written_values.written_value, 3, 2) != '00'
                then left(written_values.written_value, 4) || '00'
        end
    where
        regexp_full_match(written_values.written_value, '15[0-9]{4}(0{6})?')

),

resolved as (

    select * from known_names
    union all
    select * from bodies
    union all
    select * from cities_with_county
    union all
    select * from codes

),

final as (

    select
        resolved.written_name,
        regions.region_code,
        regions.region_name
    from resolved
    inner join regions
        on resolved.region_code = regions.region_code

)

select * from final
