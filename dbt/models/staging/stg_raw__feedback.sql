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

body_keywords as (

    select * from {{ ref('stg_seeds__body_levels') }}

),

bodies as (

    select distinct source.body
    from source
    where source.body is not null

),

body_levels as (

    -- CONTRACT §5: a missing level is derived from the body (全国政协 →
    -- 国家级, 自治区党委办公厅 → 自治区级, 赤峰市委办公室 → 盟市级); the
    -- keyword of the lowest precedence, then the longest, decides
    select
        bodies.body,
        body_keywords.level
    from bodies
    inner join body_keywords
        on
            case
                when body_keywords.is_prefix
                    then starts_with(bodies.body, body_keywords.keyword)
                else contains(bodies.body, body_keywords.keyword)
            end
    qualify row_number() over (
        partition by bodies.body
        order by
            body_keywords.precedence asc,
            length(body_keywords.keyword) desc,
            body_keywords.keyword asc
    ) = 1

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
        coalesce(levels.level, body_level_ranks.level) as level,
        coalesce(levels.level_rank, body_level_ranks.level_rank) as level_rank,
        source.channel,
        source.status as status_as_written,
        case when source.status in ('已办结', '办理中') then source.status end
            as status,

        -- text
        source.post,
        source.body

    from source
    inner join deliveries
        on source.ingest_file_sha256 = deliveries.file_sha256
    left join read_levels
        on source.level = read_levels.level_as_written
    left join levels
        on read_levels.level = levels.level
    left join body_levels
        on source.level is null and source.body = body_levels.body
    left join levels as body_level_ranks
        on body_levels.level = body_level_ranks.level
    where not deliveries.is_withdrawn

)

select * from renamed
