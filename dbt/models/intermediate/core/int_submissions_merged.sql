{{ config(
    materialized=touched_materialization(),
    unique_key='submission_key',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}

{#- (field, written column it is mapped from or none, alias) of the merge -#}
{%- set fields = [
    ('submission_id', none, 'submission_id'),
    ('ingest_file_sha256', none, 'current_file_sha256'),
    ('received_date', none, 'received_date'),
    ('title', none, 'title'),
    ('sector', none, 'sector'),
    ('content', none, 'content'),
    ('submitter_hash', none, 'submitter_hash'),
    ('linked_issue_id', none, 'linked_issue_id'),
    ('region_as_written', none, 'region_as_written'),
    ('region_code', 'region_as_written', 'region_code'),
    ('region_name', 'region_as_written', 'mapped_region_name'),
    ('theme_as_written', none, 'theme_as_written'),
    ('theme_l1', 'theme_as_written', 'mapped_theme_l1'),
    ('theme_l2', 'theme_as_written', 'theme_l2'),
    ('unit_as_written', none, 'unit_as_written'),
    ('unit_name', 'unit_as_written', 'mapped_unit_name'),
] -%}

with

mapped as (

    select * from {{ ref('int_submissions_mapped') }}

),

{% if merges_touched_only() %}
    -- the view once more, not `mapped` twice: DuckDB would materialize a CTE
    -- read twice, all rows, before the filters below could reach the scan
    new_rows as (

        select * from {{ ref('int_submissions_mapped') }}

    ),

    touched_keys as (

        -- an incremental run merges again only the ids a new delivery
        -- touched: found from the new rows alone, not by grouping all ids
        select distinct new_rows.submission_key
        from new_rows
        where {{ touched_since('new_rows.ingest_seq') }}

    ),

    submissions as (

        -- every version of a touched id, old deliveries included
        select mapped.*
        from mapped
        semi join touched_keys
            on mapped.submission_key = touched_keys.submission_key

    ),
{% else %}
    submissions as (

        select * from mapped

    ),
{% endif %}

key_versions as (

    select
        submissions.submission_key,
        count(*) as version_count
    from submissions
    group by submissions.submission_key

),

single_versions as (

    -- most ids have one version: its values are the merge, no aggregate
    select
        submissions.submission_key,
        {% for column, written, alias in fields %}
            {{ merged_field(column, written, single=true) }} as {{ alias }},
        {% endfor %}
        key_versions.version_count
    from submissions
    inner join key_versions
        on submissions.submission_key = key_versions.submission_key
    where key_versions.version_count = 1

),

versioned as (

    select
        submissions.*,
        row_number() over (
            partition by submissions.submission_key
            order by {{ delivery_order('submissions') }}
        ) as version_number
    from submissions
    inner join key_versions
        on submissions.submission_key = key_versions.submission_key
    where key_versions.version_count > 1

),

several_versions as (

    select
        versioned.submission_key,
        {% for column, written, alias in fields %}
            {{ merged_field(column, written) }} as {{ alias }},
        {% endfor %}
        count(*) as version_count
    from versioned
    group by versioned.submission_key

),

merged as (

    select * from single_versions
    union all
    select * from several_versions

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
