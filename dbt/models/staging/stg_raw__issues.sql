with

source as (

    select * from {{ source('raw', 'issues') }}

),

theme_names as (

    select * from {{ ref('stg_seeds__theme_names') }}

),

renamed as (

    select
        -- ids
        source.issue_id,
        source.issue_year,
        source.issue_seq,
        source.issue_no_raw,
        source.source_submissions as source_submission_ids,

        -- lineage
        source.ingest_file_sha256,
        source.ingest_seq,
        source.source_sheet,
        source.source_row,

        -- dates
        source.published_date,

        -- text
        source.issue_title as title,

        -- themes
        source.issue_theme as theme_as_written,
        theme_names.theme_l1,
        theme_names.theme_l2

    from source
    left join theme_names
        on source.issue_theme = theme_names.written_name

)

select * from renamed
