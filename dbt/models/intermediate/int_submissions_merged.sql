with

submissions as (

    select * from {{ ref('stg_raw__submissions') }}

),

versioned as (

    select
        submissions.*,
        row_number() over (
            partition by submissions.submission_key
            order by {{ delivery_order('submissions') }}
        ) as version_number
    from submissions

),

merged as (

    select
        versioned.submission_key,
        {{ latest_non_null('submission_id') }} as submission_id,
        {{ latest_non_null('ingest_file_sha256') }} as current_file_sha256,
        {{ latest_non_null('received_date') }} as received_date,
        {{ latest_non_null('title') }} as title,
        {{ latest_non_null('sector') }} as sector,
        {{ latest_non_null('content') }} as content,
        {{ latest_non_null('submitter_hash') }} as submitter_hash,
        {{ latest_non_null('linked_issue_id') }} as linked_issue_id,
        {{ latest_non_null('region_as_written') }} as region_as_written,
        {{ latest_where_written('region_code', 'region_as_written') }}
            as region_code,
        {{ latest_where_written('region_name', 'region_as_written') }}
            as mapped_region_name,
        {{ latest_non_null('theme_as_written') }} as theme_as_written,
        {{ latest_where_written('theme_l1', 'theme_as_written') }}
            as mapped_theme_l1,
        {{ latest_where_written('theme_l2', 'theme_as_written') }}
            as theme_l2,
        {{ latest_non_null('unit_as_written') }} as unit_as_written,
        {{ latest_where_written('unit_name', 'unit_as_written') }}
            as mapped_unit_name,
        count(*) as version_count
    from versioned
    group by versioned.submission_key

),

final as (

    select
        -- ids
        merged.submission_id,
        merged.submission_key,
        merged.linked_issue_id,

        -- dates
        merged.received_date,

        -- text
        merged.title,
        merged.sector,
        merged.content,

        -- regions
        merged.region_as_written,
        merged.region_code,
        coalesce(merged.mapped_region_name, '未知') as region_name,
        (
            merged.region_as_written is not null
            and merged.mapped_region_name is null
        ) as is_region_unknown,

        -- themes
        merged.theme_as_written,
        coalesce(merged.mapped_theme_l1, '未分类') as theme_l1,
        merged.theme_l2,
        (
            merged.theme_as_written is not null
            and merged.mapped_theme_l1 is null
        ) as is_theme_unknown,

        -- units: the roster's name; an unrostered unit keeps its spelling
        merged.unit_as_written,
        coalesce(merged.mapped_unit_name, merged.unit_as_written) as unit_name,
        (
            merged.unit_as_written is not null
            and merged.mapped_unit_name is null
        ) as is_unit_unknown,

        -- personal data, hashed at ingest
        merged.submitter_hash,

        -- versions
        merged.version_count,
        merged.current_file_sha256

    from merged

)

select * from final
