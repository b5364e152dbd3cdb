with

source as (

    select * from {{ source('raw', 'feedback') }}

),

deliveries as (

    select * from {{ ref('stg_raw__deliveries') }}

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
        deliveries.original_name,
        source.ingest_seq,
        deliveries.delivery_seq,
        source.source_sheet,
        source.source_sheet_no,
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
    inner join deliveries
        on source.ingest_file_sha256 = deliveries.file_sha256
    left join levels
        on source.level = levels.level
    where not deliveries.is_withdrawn

)

select * from renamed
