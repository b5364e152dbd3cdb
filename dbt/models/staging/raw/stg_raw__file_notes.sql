with

source as (

    select * from {{ source('raw', 'file_notes') }}

),

renamed as (

    select
        -- ids
        ingest_file_sha256,

        -- location
        original_name,
        source_sheet,

        -- note
        note,
        detail

    from source

)

select * from renamed
