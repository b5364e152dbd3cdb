with

issues as (

    select * from {{ ref('stg_raw__issues') }}

),

versioned as (

    select
        issues.*,
        row_number() over (
            partition by issues.issue_id
            order by
                issues.ingest_seq,
                issues.source_sheet,
                issues.source_row
        ) as version_number
    from issues

),

merged as (

    select
        versioned.issue_id,
        {{ latest_non_null('issue_year') }} as issue_year,
        {{ latest_non_null('issue_seq') }} as issue_seq,
        {{ latest_non_null('published_date') }} as published_date,
        {{ latest_non_null('title') }} as title,
        {{ latest_non_null('source_submission_ids') }}
            as source_submission_ids,
        {{ latest_non_null('theme_as_written') }} as theme_as_written,
        {{ latest_where_written('theme_l1', 'theme_as_written') }}
            as mapped_theme_l1,
        {{ latest_where_written('theme_l2', 'theme_as_written') }}
            as mapped_theme_l2,
        count(*) as version_count
    from versioned
    group by versioned.issue_id

),

final as (

    select
        -- ids
        merged.issue_id,
        merged.issue_year,
        merged.issue_seq,
        merged.source_submission_ids,

        -- dates
        merged.published_date,

        -- text
        merged.title,

        -- own theme (分类); NULL when no delivery gave one
        merged.theme_as_written,
        case
            when merged.theme_as_written is not null
                then coalesce(merged.mapped_theme_l1, '未分类')
        end as own_theme_l1,
        merged.mapped_theme_l2 as own_theme_l2,
        (
            merged.theme_as_written is not null
            and merged.mapped_theme_l1 is null
        ) as is_theme_unknown,

        -- versions
        merged.version_count

    from merged

)

select * from final
