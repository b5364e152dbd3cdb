{%- set threshold = theme_auto_accept() -%}
with

submissions as (

    select * from {{ ref('int_submissions_merged') }}

),

reviews as (

    select * from {{ ref('int_theme_reviews_counted') }}

),

suggestions as (

    select * from {{ ref('stg_raw__theme_suggestions') }}

),

latest_reviews as (

    select
        reviews.submission_key,
        reviews.theme_l1,
        reviews.theme_l2
    from reviews
    where reviews.theme_l1 is not null
    qualify row_number() over (
        partition by reviews.submission_key
        order by
            reviews.delivery_seq desc,
            reviews.source_sheet desc,
            reviews.source_row desc
    ) = 1

),

accepted as (

    select
        suggestions.submission_key,
        suggestions.suggested_l1 as theme_l1,
        suggestions.suggested_l2 as theme_l2
    from suggestions
    where
        {% if threshold is not none -%}
            suggestions.confidence >= {{ threshold }}
        {%- else -%}
            false
        {%- endif %}
    qualify row_number() over (
        partition by suggestions.submission_key
        order by suggestions.confidence desc, suggestions.submission_id asc
    ) = 1

),

final as (

    select
        submissions.submission_id,
        submissions.submission_key,
        coalesce(latest_reviews.theme_l1, accepted.theme_l1) as theme_l1,
        case
            when latest_reviews.submission_key is not null
                then latest_reviews.theme_l2
            else accepted.theme_l2
        end as theme_l2,
        case
            when latest_reviews.submission_key is not null then 'review'
            else 'auto'
        end as theme_source
    from submissions
    left join latest_reviews
        on submissions.submission_key = latest_reviews.submission_key
    left join accepted
        on submissions.submission_key = accepted.submission_key
    where
        submissions.theme_l1 = '未分类'
        and (
            latest_reviews.submission_key is not null
            or accepted.submission_key is not null
        )

)

select * from final
