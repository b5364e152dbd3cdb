{{ config(materialized='view') }}

with

feedback as (

    select * from {{ ref('int_feedback_counted') }}

),

levels as (

    select * from {{ ref('feedback_levels') }}

),

level_aliases as (

    select * from {{ ref('feedback_level_aliases') }}

),

body_keywords as (

    select * from {{ ref('int_body_levels') }}

),

bodies as (

    select distinct feedback.body
    from feedback
    where feedback.body is not null

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
        feedback.level_as_written,
        regexp_replace(feedback.level_as_written, '领导$', '') as written_level
    from feedback
    where feedback.level_as_written is not null

),

read_levels as (

    select
        written_levels.level_as_written,
        coalesce(level_aliases.level, written_levels.written_level) as level
    from written_levels
    left join level_aliases
        on written_levels.written_level = level_aliases.alias

),

final as (

    select
        -- ids
        feedback.feedback_row_id,
        feedback.issue_no_raw,
        feedback.issue_year,
        feedback.issue_seq,

        -- lineage
        feedback.ingest_file_sha256,
        feedback.original_name,
        feedback.ingest_seq,
        feedback.delivery_seq,
        feedback.source_sheet,
        feedback.source_sheet_no,
        feedback.source_row,

        -- dates
        feedback.feedback_date,

        -- categories
        feedback.feedback_type,
        feedback.level_as_written,
        coalesce(levels.level, body_level_ranks.level) as level,
        coalesce(levels.level_rank, body_level_ranks.level_rank) as level_rank,
        feedback.channel,
        feedback.status_as_written,
        feedback.status,

        -- text
        feedback.post,
        feedback.body

    from feedback
    left join read_levels
        on feedback.level_as_written = read_levels.level_as_written
    left join levels
        on read_levels.level = levels.level
    left join body_levels
        on
            feedback.level_as_written is null
            and feedback.body = body_levels.body
    left join levels as body_level_ranks
        on body_levels.level = body_level_ranks.level

)

select * from final
