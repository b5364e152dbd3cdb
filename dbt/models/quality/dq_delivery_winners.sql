{#- A table, not a view: its key test and the data-quality report both read
    it, and at 1M rows the query takes seconds; built once per build. -#}
{{ config(materialized='table') }}

with

submission_versions as (

    select * from {{ ref('int_submissions_counted') }}

),

issue_versions as (

    select * from {{ ref('int_issues_counted') }}

),

submissions as (

    select * from {{ ref('int_submissions_merged') }}

),

issues as (

    select * from {{ ref('int_issues_merged') }}

),

deliveries as (

    select * from {{ ref('int_deliveries') }}

),

delivered as (

    select
        'submission' as id_kind,
        submission_versions.submission_key as id_key,
        submission_versions.ingest_file_sha256,
        submission_versions.original_name
    from submission_versions

    union all

    select
        'issue' as id_kind,
        issue_versions.issue_id as id_key,
        issue_versions.ingest_file_sha256,
        issue_versions.original_name
    from issue_versions

),

current_versions as (

    select
        'submission' as id_kind,
        submissions.submission_key as id_key,
        submissions.submission_id as id,
        submissions.current_file_sha256
    from submissions

    union all

    select
        'issue' as id_kind,
        issues.issue_id as id_key,
        issues.issue_id as id,
        issues.current_file_sha256
    from issues

),

several_file_keys as (

    -- most ids are one row of one file: leave them out by a plain count
    -- before the distinct aggregates below, which are costly over every id
    select
        delivered.id_kind,
        delivered.id_key
    from delivered
    group by delivered.id_kind, delivered.id_key
    having count(*) >= 2

),

several_files as (

    select
        delivered.id_kind,
        delivered.id_key,
        count(distinct delivered.ingest_file_sha256) as file_count,
        string_agg(
            distinct delivered.original_name, '、'
            order by delivered.original_name
        ) filter (
            where delivered.ingest_file_sha256
            <> current_versions.current_file_sha256
        ) as other_files
    from delivered
    semi join several_file_keys
        on
            delivered.id_kind = several_file_keys.id_kind
            and delivered.id_key = several_file_keys.id_key
    inner join current_versions
        on
            delivered.id_kind = current_versions.id_kind
            and delivered.id_key = current_versions.id_key
    group by delivered.id_kind, delivered.id_key
    having count(distinct delivered.ingest_file_sha256) >= 2

),

final as (

    select
        several_files.id_kind,
        current_versions.id,
        several_files.file_count,
        deliveries.original_name as winning_file,
        deliveries.delivery_seq as winning_delivery_seq,
        several_files.other_files
    from several_files
    inner join current_versions
        on
            several_files.id_kind = current_versions.id_kind
            and several_files.id_key = current_versions.id_key
    inner join deliveries
        on current_versions.current_file_sha256 = deliveries.file_sha256
    order by several_files.id_kind, current_versions.id

)

select * from final
