{{ config(
    materialized=touched_materialization(),
    unique_key='issue_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}

{#- (field of a version, written column it is mapped from or none, alias) -#}
{%- set fields = [
    ('issue_year', none, 'issue_year'),
    ('issue_seq', none, 'issue_seq'),
    ('published_date', none, 'published_date'),
    ('title', none, 'title'),
    ('source_submission_ids', none, 'source_submission_ids'),
    ('theme_as_written', none, 'theme_as_written'),
    ('theme_l1', 'theme_as_written', 'mapped_theme_l1'),
    ('theme_l2', 'theme_as_written', 'mapped_theme_l2'),
    ('ingest_file_sha256', none, 'current_file_sha256'),
] -%}

with

all_issues as (

    select * from {{ ref('int_issues_mapped') }}

),

issue_rows as (

    select
        all_issues.issue_id,
        count(*) as row_count
    from all_issues
    group by all_issues.issue_id
    {% if merges_touched_only() %}
        -- an incremental run merges again only the ids a new delivery touched
        having {{ touched_since('max(all_issues.ingest_seq)') }}
    {% endif %}

),

issues as (

    select
        all_issues.*,
        issue_rows.row_count
    from all_issues
    inner join issue_rows
        on all_issues.issue_id = issue_rows.issue_id

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
    where issues.row_count > 1
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

several_versions as (

    select
        versioned.issue_id,
        {% for column, written, alias in fields %}
            {{ merged_field(column, written) }} as {{ alias }},
        {% endfor %}
        count(*) as version_count
    from versioned
    group by versioned.issue_id

),

single_rows as (

    -- most issues are one row of one table: its values are the merge
    select
        issues.issue_id,
        issues.issue_year,
        issues.issue_seq,
        issues.published_date,
        issues.title,
        version_sources.source_submission_ids,
        issues.theme_as_written,
        issues.theme_l1,
        issues.theme_l2,
        issues.ingest_file_sha256
    from issues
    left join version_sources
        on
            issues.issue_id = version_sources.issue_id
            and issues.ingest_file_sha256 = version_sources.ingest_file_sha256
            and issues.source_sheet = version_sources.source_sheet
    where issues.row_count = 1

),

single_versions as (

    select
        single_rows.issue_id,
        {% for column, written, alias in fields %}
            {{ merged_field(column, written, single=true) }} as {{ alias }},
        {% endfor %}
        1 as version_count
    from single_rows

),

merged as (

    select * from single_versions
    union all
    select * from several_versions

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
