{{ config(
    materialized=touched_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ forget_touched_feedback() }}",
) }}

-- depends_on: {{ ref('int_feedback_touched_issues') }}

with

all_matched as (

    select * from {{ ref('int_feedback_matched_to_issues') }}

),

matched as (

    select all_matched.*
    from all_matched
    {% if merges_touched_only() %}
        -- an incremental run groups again only the touched issues' rows
        where {{ in_touched_feedback_issues('all_matched.issue_id') }}
    {% endif %}

),

split as (

    select
        matched.*,
        coalesce(matched.level, matched.level_as_written) as level_key,
        {{ post_body('matched.post') }} as post_body,
        {{ post_core('matched.post') }} as post_core
    from matched
    where not matched.is_orphan

),

variants as (

    select
        -- ids
        concat_ws(
            '|',
            split.issue_id,
            split.feedback_type,
            cast(split.feedback_date as varchar),
            coalesce(split.level_key, ''),
            coalesce(split.post_body, ''),
            coalesce(split.post_core, '')
        ) as variant_id,
        split.issue_id,

        -- dates
        split.feedback_date,

        -- categories
        split.feedback_type,
        split.level_key,
        any_value(split.level) as level,
        any_value(split.level_rank) as level_rank,
        min(split.level_as_written) as level_as_written,

        -- post: the longest spelling is the one shown
        split.post_body,
        split.post_core,
        first(
            split.post order by length(split.post) desc, split.post asc
        ) as post,

        -- lifecycle details: the latest delivery that gives one
        arg_max(split.channel, split.ingest_seq) as channel,
        arg_max(split.body, split.ingest_seq) as body,
        arg_max(split.status, split.ingest_seq) as status,

        -- deliveries
        count(*) as delivery_count,
        min(split.ingest_seq) as first_ingest_seq,
        max(split.ingest_seq) as last_ingest_seq,
        {{ sorted_distinct_string_agg('split.original_name', '、') }}
            as file_names

    from split
    group by
        split.issue_id,
        split.feedback_type,
        split.feedback_date,
        split.level_key,
        split.post_body,
        split.post_core

)

select * from variants
