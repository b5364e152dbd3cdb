with

source as (

    select * from {{ source('raw', 'feedback') }}

),

renamed as (

    select
        -- ids (a JSON record may carry several feedback items: number them)
        left(source.ingest_file_sha256, 12)
        || ':' || source.source_sheet
        || ':' || source.source_row
        || ':' || row_number() over (
            -- a file is loaded once, at one ingest_seq: naming it changes no
            -- number, but lets a filter on ingest_seq pass below the window
            partition by
                source.ingest_file_sha256,
                source.ingest_seq,
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
        source.source_sheet_no,
        source.source_row,

        -- dates
        source.feedback_date,

        -- categories (int_feedback_mapped reads the level)
        source.feedback_type,
        source.level as level_as_written,
        source.channel,
        source.status as status_as_written,
        case when source.status in ('已办结', '办理中') then source.status end
            as status,

        -- text
        source.post,
        source.body

    from source

)

select * from renamed
