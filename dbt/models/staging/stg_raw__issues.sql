with

source as (

    select * from {{ source('raw', 'issues') }}

),

deliveries as (

    select * from {{ ref('stg_raw__deliveries') }}

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
        deliveries.original_name,
        source.ingest_seq,
        deliveries.delivery_seq,
        source.source_sheet,
        source.source_sheet_no,
        source.source_row,

        -- dates
        source.published_date,

        -- text
        source.issue_title as title,

        -- themes
        -- a written 未分类 means "no category": the sources vote
        nullif(source.issue_theme, '未分类') as theme_as_written,
        theme_names.theme_l1,
        theme_names.theme_l2,

        -- 编发形式 (单篇 | 综合) when the ledger says it; other wording is
        -- kept as written and listed in the data-quality report
        source.issue_form as issue_form_as_written,
        case
            when source.issue_form in ('单篇', '综合') then source.issue_form
        end as issue_form

    from source
    inner join deliveries
        on source.ingest_file_sha256 = deliveries.file_sha256
    left join theme_names
        on source.issue_theme = theme_names.written_name
    where not deliveries.is_withdrawn

)

select * from renamed
