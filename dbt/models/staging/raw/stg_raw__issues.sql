with

source as (

    select * from {{ source('raw', 'issues') }}

),

renamed as (

    select
        -- ids (a JSON record may nest several issues: number them)
        left(source.ingest_file_sha256, 12)
        || ':' || source.source_sheet
        || ':' || source.source_row
        || ':' || row_number() over (
            -- a file is loaded once, at one ingest_seq: naming it changes no
            -- number, but lets a filter on ingest_seq pass below the window
            partition by
                source.ingest_file_sha256,
                source.ingest_seq,
                source.source_sheet,
                source.source_row
            order by
                source.issue_id,
                source.issue_no_raw,
                source.published_date,
                source.issue_title
        ) as issue_row_id,
        source.issue_id,
        source.issue_year,
        source.issue_seq,
        source.issue_no_raw,
        source.source_submissions as source_submission_ids,

        -- lineage
        source.ingest_file_sha256,
        source.ingest_seq,
        source.source_sheet,
        source.source_sheet_no,
        source.source_row,

        -- dates
        source.published_date,

        -- text
        source.issue_title as title,

        -- theme as written (int_issues_mapped maps it)
        -- a written 未分类 means "no category": the sources vote
        nullif(source.issue_theme, '未分类') as theme_as_written,

        -- 编发形式 (单篇 | 综合) when the ledger says it; other wording is
        -- kept as written and listed in the data-quality report
        source.issue_form as issue_form_as_written,
        case
            when source.issue_form in ('单篇', '综合') then source.issue_form
        end as issue_form

    from source

)

select * from renamed
