with

source as (

    select * from {{ source('raw', 'submissions') }}

),

renamed as (

    select
        -- ids
        source.submission_id,
        {{ submission_key('source.submission_id') }} as submission_key,
        source.issue_id as linked_issue_id,

        -- lineage
        source.ingest_file_sha256,
        source.ingest_seq,
        source.source_sheet,
        source.source_sheet_no,
        source.source_row,

        -- dates
        source.received_date,

        -- text
        source.title,
        source.sector,
        source.content,

        -- region, theme and unit as written (int_submissions_mapped maps them)
        source.region as region_as_written,
        -- a written 未分类 means "no category": no vote, no erasing
        nullif(source.theme, '未分类') as theme_as_written,
        source.unit as unit_as_written,

        -- personal data, hashed at ingest
        source.submitter_hash

    from source

)

select * from renamed
