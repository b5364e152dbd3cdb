with

submissions as (

    select * from {{ ref('int_submissions_merged') }}

),

suggestions as (

    select * from {{ ref('stg_raw__theme_suggestions') }}

),

resolved_themes as (

    select * from {{ ref('int_submissions_themes_resolved') }}

),

final as (

    select
        submissions.submission_id,
        suggestions.suggested_l1,
        suggestions.suggested_l2,
        suggestions.confidence,
        suggestions.model_version
    from submissions
    inner join suggestions
        on submissions.submission_key = suggestions.submission_key
    left join resolved_themes
        on submissions.submission_key = resolved_themes.submission_key
    where
        submissions.theme_l1 = '未分类'
        and resolved_themes.submission_key is null
    qualify
        row_number() over (
            partition by submissions.submission_key
            order by suggestions.confidence desc, suggestions.submission_id asc
        ) = 1
    order by submissions.received_date, submissions.submission_id

)

select * from final
