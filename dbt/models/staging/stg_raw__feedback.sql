with

source as (

    select * from {{ source('raw', 'feedback') }}

),

levels as (

    select * from {{ ref('feedback_levels') }}

),

renamed as (

    select
        -- ids (a JSON record may carry several feedback items: number them)
        left(source.ingest_file_sha256, 12)
        || ':' || source.source_sheet
        || ':' || source.source_row
        || ':' || row_number() over (
            partition by
                source.ingest_file_sha256,
                source.source_sheet,
                source.source_row
            order by
                source.feedback_date,
                source.feedback_type,
                source.level,
                source.post
        ) as feedback_row_id,
        source.issue_no_raw,
        source.issue_year,
        source.issue_seq,

        -- lineage
        source.ingest_file_sha256,
        source.ingest_seq,
        source.source_sheet,
        source.source_row,

        -- dates
        source.feedback_date,

        -- categories
        source.feedback_type,
        source.level as level_as_written,
        levels.level,
        levels.level_rank,

        -- text
        source.post

    from source
    left join levels
        on source.level = levels.level

)

select * from renamed
