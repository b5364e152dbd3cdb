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

level_aliases as (

    select * from {{ ref('feedback_level_aliases') }}

),

written_levels as (

    -- 自治区领导 / 盟市级领导 / 国家级领导: the level without the word 领导
    select distinct
        source.level as level_as_written,
        regexp_replace(source.level, '领导$', '') as written_level
    from source
    where source.level is not null

),

read_levels as (

    select
        written_levels.level_as_written,
        coalesce(level_aliases.level, written_levels.written_level) as level
    from written_levels
    left join level_aliases
        on written_levels.written_level = level_aliases.alias

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
    left join read_levels
        on source.level = read_levels.level_as_written
    left join levels
        on read_levels.level = levels.level
    where not deliveries.is_withdrawn

)

select * from renamed
