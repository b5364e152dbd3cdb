with

issues as (

    select * from {{ ref('stg_raw__issues') }}

),

listed_sources as (

    select
        issues.issue_id,
        issues.ingest_file_sha256,
        issues.source_sheet,
        issues.source_row,
        listed.submission_id,
        listed.list_position,
        {{ submission_key('listed.submission_id') }} as submission_key
    from issues
    cross join
        unnest(issues.source_submission_ids)
        with ordinality as listed (submission_id, list_position)

),

first_listings as (

    select
        listed_sources.issue_id,
        listed_sources.ingest_file_sha256,
        listed_sources.source_sheet,
        listed_sources.source_row,
        listed_sources.submission_id,
        listed_sources.list_position
    from listed_sources
    qualify row_number() over (
        partition by
            listed_sources.issue_id,
            listed_sources.ingest_file_sha256,
            listed_sources.source_sheet,
            listed_sources.submission_key
        order by listed_sources.source_row, listed_sources.list_position
    ) = 1

),

version_sources as (

    select
        first_listings.issue_id,
        first_listings.ingest_file_sha256,
        first_listings.source_sheet,
        array_agg(
            first_listings.submission_id
            order by first_listings.source_row, first_listings.list_position
        ) as source_submission_ids
    from first_listings
    group by
        first_listings.issue_id,
        first_listings.ingest_file_sha256,
        first_listings.source_sheet

),

version_fields as (

    select
        issues.issue_id,
        issues.ingest_file_sha256,
        issues.source_sheet,
        any_value(issues.delivery_seq) as delivery_seq,
        any_value(issues.source_sheet_no) as source_sheet_no,
        min(issues.source_row) as source_row,
        {{ first_non_null('issues.issue_year', 'issues.source_row') }}
            as issue_year,
        {{ first_non_null('issues.issue_seq', 'issues.source_row') }}
            as issue_seq,
        {{ first_non_null('issues.published_date', 'issues.source_row') }}
            as published_date,
        {{ first_non_null('issues.title', 'issues.source_row') }} as title,
        {{ first_non_null('issues.theme_as_written', 'issues.source_row') }}
            as theme_as_written,
        {{ first_where_written(
            'issues.theme_l1', 'issues.theme_as_written', 'issues.source_row'
        ) }} as theme_l1,
        {{ first_where_written(
            'issues.theme_l2', 'issues.theme_as_written', 'issues.source_row'
        ) }} as theme_l2
    from issues
    group by issues.issue_id, issues.ingest_file_sha256, issues.source_sheet

),

versioned as (

    select
        version_fields.*,
        version_sources.source_submission_ids,
        row_number() over (
            partition by version_fields.issue_id
            order by {{ delivery_order('version_fields') }}
        ) as version_number
    from version_fields
    left join version_sources
        on
            version_fields.issue_id = version_sources.issue_id
            and version_fields.ingest_file_sha256
            = version_sources.ingest_file_sha256
            and version_fields.source_sheet = version_sources.source_sheet

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
        {{ latest_non_null('ingest_file_sha256') }} as current_file_sha256,
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
        merged.version_count,
        merged.current_file_sha256

    from merged

)

select * from final
