with

source as (

    select * from {{ source('raw', 'submissions') }}

),

deliveries as (

    select * from {{ ref('stg_raw__deliveries') }}

),

region_names as (

    select * from {{ ref('stg_seeds__region_names') }}

),

theme_names as (

    select * from {{ ref('stg_seeds__theme_names') }}

),

unit_names as (

    select * from {{ ref('stg_reference__unit_names') }}

),

renamed as (

    select
        -- ids
        source.submission_id,
        {{ submission_key('source.submission_id') }} as submission_key,
        source.issue_id as linked_issue_id,

        -- lineage
        source.ingest_file_sha256,
        deliveries.original_name,
        source.ingest_seq,
        deliveries.delivery_seq,
        source.source_sheet,
        source.source_sheet_no,
        source.source_row,

        -- dates
        source.received_date,

        -- text
        source.title,
        source.sector,
        source.content,

        -- regions
        source.region as region_as_written,
        region_names.region_code,
        region_names.region_name,

        -- themes
        -- a written 未分类 means "no category": no vote, no erasing
        nullif(source.theme, '未分类') as theme_as_written,
        theme_names.theme_l1,
        theme_names.theme_l2,

        -- units (报送单位: an organisation, not personal data)
        source.unit as unit_as_written,
        unit_names.unit_name,

        -- personal data, hashed at ingest
        source.submitter_hash

    from source
    inner join deliveries
        on source.ingest_file_sha256 = deliveries.file_sha256
    left join region_names
        on source.region = region_names.written_name
    left join theme_names
        on source.theme = theme_names.written_name
    left join unit_names
        on source.unit = unit_names.written_name
    where not deliveries.is_withdrawn

)

select * from renamed
