with

source as (

    select * from {{ source('raw', 'delivery_changes') }}

),

renamed as (

    select
        -- ids
        source.file_sha256,
        source.by_file_sha256,

        -- order
        source.ingest_seq,

        -- change (replaced | retracted | redelivered) and why
        source.change,
        source.reason,

        -- timestamps
        source.changed_at

    from source

)

select * from renamed
