with

source as (

    select * from {{ source('raw_themes', 'theme_reviews') }}

),

renamed as (

    select
        -- ids
        source.submission_id,
        {{ submission_key('source.submission_id') }} as submission_key,

        -- lineage
        source.ingest_file_sha256,
        source.source_sheet,
        source.source_row,

        -- themes
        source.confirmed_theme,
        source.theme_l1,
        source.theme_l2

    from source

)

select * from renamed
