{{ config(materialized='view') }}

with

units as (

    select * from {{ ref('stg_reference__units') }}

),

spellings as (

    select
        units.unit_name as written_name,
        units.unit_name
    from units

    union

    select
        trim(listed.written_name) as written_name,
        units.unit_name
    from units
    cross join
        unnest(string_split(units.aliases, '|')) as listed (written_name)
    where trim(listed.written_name) <> ''

)

select * from spellings
