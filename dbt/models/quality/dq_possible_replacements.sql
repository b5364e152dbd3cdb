{#- A table, not a view: its key test and the data-quality report both read
    it, and at 1M rows the query takes seconds; built once per build. -#}
{{ config(materialized='table') }}

with

deliveries as (

    select * from {{ ref('int_deliveries') }}

),

submissions as (

    select * from {{ ref('int_submissions_counted') }}

),

issues as (

    select * from {{ ref('int_issues_counted') }}

),

feedback as (

    select * from {{ ref('int_feedback_counted') }}

),

delivered_ids as (

    -- union all: table_kind differs between the branches, nothing to dedupe
    select distinct
        submissions.ingest_file_sha256,
        'submissions' as table_kind,
        submissions.submission_key as id_key
    from submissions

    union all

    select distinct
        issues.ingest_file_sha256,
        'issues' as table_kind,
        issues.issue_id as id_key
    from issues

    union all

    select distinct
        feedback.ingest_file_sha256,
        'feedback' as table_kind,
        concat_ws(
            ':',
            coalesce(cast(feedback.issue_year as varchar), ''),
            cast(feedback.issue_seq as varchar),
            feedback.feedback_type,
            cast(feedback.feedback_date as varchar)
        ) as id_key
    from feedback

),

file_ids as (

    select
        delivered_ids.ingest_file_sha256,
        string_agg(
            distinct delivered_ids.table_kind, ','
            order by delivered_ids.table_kind
        ) as table_kinds,
        count(*) as id_count
    from delivered_ids
    group by delivered_ids.ingest_file_sha256

),

shared as (

    select
        earlier_ids.ingest_file_sha256 as earlier_file_sha256,
        later_ids.ingest_file_sha256 as later_file_sha256,
        count(*) as shared_ids
    from delivered_ids as earlier_ids
    inner join delivered_ids as later_ids
        on
            earlier_ids.table_kind = later_ids.table_kind
            and earlier_ids.id_key = later_ids.id_key
            and earlier_ids.ingest_file_sha256 <> later_ids.ingest_file_sha256
    group by
        earlier_ids.ingest_file_sha256,
        later_ids.ingest_file_sha256

),

final as (

    select
        earlier.original_name as earlier_file,
        later.original_name as later_file,
        earlier_ids.table_kinds,
        shared.shared_ids,
        earlier_ids.id_count as earlier_ids,
        shared.shared_ids / earlier_ids.id_count as share_of_earlier_ids,
        shared.earlier_file_sha256,
        shared.later_file_sha256
    from shared
    inner join deliveries as earlier
        on shared.earlier_file_sha256 = earlier.file_sha256
    inner join deliveries as later
        on shared.later_file_sha256 = later.file_sha256
    inner join file_ids as earlier_ids
        on shared.earlier_file_sha256 = earlier_ids.ingest_file_sha256
    inner join file_ids as later_ids
        on shared.later_file_sha256 = later_ids.ingest_file_sha256
    where
        later.delivery_seq > earlier.delivery_seq
        and earlier_ids.table_kinds = later_ids.table_kinds
        and shared.shared_ids >= 0.8 * earlier_ids.id_count
    order by earlier.delivery_seq, later.delivery_seq

)

select * from final
