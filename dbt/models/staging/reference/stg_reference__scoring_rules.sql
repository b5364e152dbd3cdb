with

source as (

    select * from {{ reference_table('scoring_rules') }}

),

renamed as (

    select
        -- categories
        nullif(trim(source.event), '') as event_type,
        nullif(trim(source.channel), '') as channel,
        nullif(trim(source.level), '') as level,
        nullif(trim(source.grade), '') as grade,

        -- points
        cast(nullif(trim(source.points), '') as integer) as points,

        -- dates (a blank valid_to: still in force)
        cast(nullif(trim(source.valid_from), '') as date) as valid_from,
        coalesce(
            cast(nullif(trim(source.valid_to), '') as date), date '9999-12-31'
        ) as valid_to

    from source

)

select * from renamed
