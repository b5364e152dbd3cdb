{{ config(materialized='view') }}

with

files as (

    select * from {{ ref('stg_raw__ingest_files') }}

),

changes as (

    select * from {{ ref('stg_raw__delivery_changes') }}

),

latest_changes as (

    select
        changes.file_sha256,
        changes.change,
        changes.by_file_sha256,
        changes.ingest_seq
    from changes
    qualify row_number() over (
        partition by changes.file_sha256
        order by changes.ingest_seq desc, changes.changed_at desc
    ) = 1

),

final as (

    select
        -- ids
        files.file_sha256,
        files.original_name,

        -- order
        files.ingest_seq,
        case
            when latest_changes.change = 'redelivered'
                then latest_changes.ingest_seq
            else files.ingest_seq
        end as delivery_seq,

        -- standing
        latest_changes.change as latest_change,
        coalesce(
            latest_changes.change in ('replaced', 'retracted'), false
        ) as is_withdrawn,
        case
            when latest_changes.change = 'replaced'
                then latest_changes.by_file_sha256
        end as replaced_by_file_sha256

    from files
    left join latest_changes
        on files.file_sha256 = latest_changes.file_sha256
    where files.status = 'loaded'

)

select * from final
