with

source as (

    select * from {{ source('raw_themes', 'hot_topic_members') }}

),

renamed as (

    select
        -- ids
        source.period_type,
        source.period_label,
        source.topic_id,
        source.submission_id,
        {{ submission_key('source.submission_id') }} as submission_key,

        -- text
        source.label

    from source

)

select * from renamed
