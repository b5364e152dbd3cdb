with

source as (

    select * from {{ reference_table('units') }}

),

renamed as (

    select
        -- ids
        nullif(trim(source.name), '') as unit_name,

        -- categories
        nullif(trim(source.unit_type), '') as unit_type,
        nullif(trim(source.region), '') as region_name,

        -- quotas
        cast(nullif(trim(source.annual_quota), '') as integer) as annual_quota,

        -- spellings
        nullif(trim(source.aliases), '') as aliases

    from source

)

select * from renamed
