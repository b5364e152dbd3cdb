with

variants as (

    select * from {{ ref('int_feedback_variants') }}

),

resolved as (

    select * from {{ ref('int_feedback_resolved') }}

),

membership as (

    select
        resolved.feedback_id,
        member.variant_id
    from resolved
    cross join unnest(resolved.variant_ids) as member (variant_id)

),

placed as (

    select
        variants.*,
        membership.feedback_id
    from variants
    inner join membership
        on variants.variant_id = membership.variant_id

),

pairs as (

    select
        first_variant.issue_id,
        first_variant.feedback_type,
        first_variant.feedback_date,
        first_variant.post as post_a,
        first_variant.level_key as level_a,
        first_variant.file_names as files_a,
        second_variant.post as post_b,
        second_variant.level_key as level_b,
        second_variant.file_names as files_b,
        {{ feedback_pair_kind('first_variant', 'second_variant') }}
            as pair_kind,
        first_variant.feedback_id = second_variant.feedback_id
            as is_counted_once
    from placed as first_variant
    inner join placed as second_variant
        on
            first_variant.issue_id = second_variant.issue_id
            and first_variant.feedback_type = second_variant.feedback_type
            and first_variant.feedback_date = second_variant.feedback_date
            and first_variant.variant_id < second_variant.variant_id

),

final as (

    select
        pairs.issue_id,
        pairs.feedback_type,
        pairs.feedback_date,
        pairs.post_a,
        pairs.level_a,
        pairs.files_a,
        pairs.post_b,
        pairs.level_b,
        pairs.files_b,
        case
            when pairs.pair_kind = 'same' then 'several_candidates'
            else pairs.pair_kind
        end as pair_kind,
        pairs.is_counted_once
    from pairs
    where
        pairs.pair_kind in ('post_blank', 'level_differs', 'post_suffix')
        or (pairs.pair_kind = 'same' and not pairs.is_counted_once)
    order by
        pairs.feedback_date,
        pairs.issue_id,
        pairs.feedback_type,
        pairs.post_a,
        pairs.post_b

)

select * from final
