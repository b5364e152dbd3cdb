{{ config(
    materialized=touched_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ forget_touched_feedback() }}",
) }}

-- depends_on: {{ ref('int_feedback_touched_issues') }}

with

all_variants as (

    select * from {{ ref('int_feedback_variants') }}

),

variants as (

    select all_variants.*
    from all_variants
    {% if merges_touched_only() %}
        -- an incremental run resolves again only the touched issues
        where {{ in_touched_feedback_issues('all_variants.issue_id') }}
    {% endif %}

),

bodies as (

    select distinct
        variants.issue_id,
        variants.feedback_type,
        variants.feedback_date,
        variants.post_core,
        variants.post_body
    from variants
    where variants.post_body is not null

),

widest_bodies as (

    -- not exists, not a left join kept where unmatched: DuckDB 1.5 plans
    -- that join with its <> and suffix() conditions far slower (30 s, 1M)
    select bodies.*
    from bodies
    where not exists (
        select wider.post_body
        from bodies as wider
        where
            bodies.issue_id = wider.issue_id
            and bodies.feedback_type = wider.feedback_type
            and bodies.feedback_date = wider.feedback_date
            and bodies.post_core = wider.post_core
            and bodies.post_body <> wider.post_body
            and suffix(wider.post_body, bodies.post_body)
    )

),

single_body_choices as (

    select
        variants.variant_id,
        any_value(widest_bodies.post_body) as post_body
    from variants
    inner join widest_bodies
        on
            variants.issue_id = widest_bodies.issue_id
            and variants.feedback_type = widest_bodies.feedback_type
            and variants.feedback_date = widest_bodies.feedback_date
            and variants.post_core = widest_bodies.post_core
            and coalesce(
                suffix(widest_bodies.post_body, variants.post_body), true
            )
    group by variants.variant_id
    having count(*) = 1

),

body_filled as (

    select
        variants.*,
        coalesce(single_body_choices.post_body, variants.post_body)
            as filled_body
    from variants
    left join single_body_choices
        on variants.variant_id = single_body_choices.variant_id

),

single_level_choices as (

    select
        body_filled.issue_id,
        body_filled.feedback_type,
        body_filled.feedback_date,
        body_filled.post_core,
        body_filled.filled_body,
        any_value(body_filled.level_key) as level_key
    from body_filled
    where body_filled.level_key is not null
    group by
        body_filled.issue_id,
        body_filled.feedback_type,
        body_filled.feedback_date,
        body_filled.post_core,
        body_filled.filled_body
    having count(distinct body_filled.level_key) = 1

),

level_filled as (

    select
        body_filled.*,
        coalesce(body_filled.level_key, single_level_choices.level_key)
            as filled_level_key
    from body_filled
    left join single_level_choices
        on
            body_filled.issue_id = single_level_choices.issue_id
            and body_filled.feedback_type = single_level_choices.feedback_type
            and body_filled.feedback_date = single_level_choices.feedback_date
            and body_filled.post_core
            is not distinct from single_level_choices.post_core
            and body_filled.filled_body
            is not distinct from single_level_choices.filled_body

),

signed as (

    select
        level_filled.*,
        concat_ws(
            '|',
            level_filled.issue_id,
            level_filled.feedback_type,
            cast(level_filled.feedback_date as varchar),
            coalesce(level_filled.filled_level_key, ''),
            coalesce(level_filled.filled_body, ''),
            coalesce(level_filled.post_core, '')
        ) as signature
    from level_filled

),

filled_posts as (

    select distinct
        signed.issue_id,
        signed.feedback_type,
        signed.feedback_date,
        signed.filled_level_key,
        signed.signature
    from signed
    where signed.post_core is not null

),

single_post_choices as (

    select
        signed.variant_id,
        any_value(filled_posts.signature) as signature
    from signed
    inner join filled_posts
        on
            signed.issue_id = filled_posts.issue_id
            and signed.feedback_type = filled_posts.feedback_type
            and signed.feedback_date = filled_posts.feedback_date
            and coalesce(
                signed.filled_level_key = filled_posts.filled_level_key, true
            )
    where signed.post_core is null
    group by signed.variant_id
    having count(*) = 1

),

grouped as (

    select
        signed.*,
        coalesce(single_post_choices.signature, signed.signature)
            as feedback_key
    from signed
    left join single_post_choices
        on signed.variant_id = single_post_choices.variant_id

),

resolved as (

    select
        grouped.feedback_key,
        any_value(grouped.issue_id) as issue_id,
        any_value(grouped.feedback_type) as feedback_type,
        any_value(grouped.feedback_date) as feedback_date,
        arg_max(grouped.level, grouped.level_rank) as level,
        max(grouped.level_rank) as level_rank,
        first(
            grouped.level_as_written
            order by
                grouped.level_rank desc nulls last,
                grouped.level_as_written asc
        ) filter (where grouped.level_as_written is not null)
            as level_as_written,
        first(
            grouped.post
            order by length(grouped.post) desc, grouped.post asc
        ) filter (where grouped.post is not null) as post,
        arg_max(grouped.channel, grouped.last_ingest_seq) as channel,
        arg_max(grouped.body, grouped.last_ingest_seq) as body,
        arg_max(grouped.status, grouped.last_ingest_seq) as status,
        sum(grouped.delivery_count) as delivery_count,
        min(grouped.first_ingest_seq) as first_ingest_seq,
        list(grouped.variant_id order by grouped.variant_id) as variant_ids
    from grouped
    group by grouped.feedback_key

),

final as (

    select
        left(md5(concat_ws(
            '|',
            resolved.issue_id,
            resolved.feedback_type,
            coalesce(resolved.level_as_written, ''),
            coalesce(resolved.post, ''),
            cast(resolved.feedback_date as varchar),
            -- two adoptions of one day by two bodies are two events; NULL is
            -- skipped, so ids of feedback without a body are as they were
            resolved.body
        )), 16) as feedback_id,
        resolved.issue_id,
        resolved.feedback_type,
        resolved.level_as_written,
        resolved.level,
        resolved.level_rank,
        resolved.post,
        resolved.feedback_date,
        resolved.channel,
        resolved.body,
        resolved.status,
        resolved.delivery_count,
        resolved.first_ingest_seq,
        resolved.variant_ids,
        resolved.feedback_key
    from resolved

)

select * from final
