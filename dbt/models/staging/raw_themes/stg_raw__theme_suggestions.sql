with

source as (

    select * from {{ source('raw_themes', 'theme_suggestions') }}

),

renamed as (

    select
        -- ids
        source.submission_id,
        {{ submission_key('source.submission_id') }} as submission_key,

        -- suggestion
        source.suggested_l1,
        source.suggested_l2,
        source.confidence,
        source.model_version

    from source

)

select * from renamed
