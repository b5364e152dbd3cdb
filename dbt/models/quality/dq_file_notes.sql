with

notes as (

    select * from {{ ref('stg_raw__file_notes') }}

),

final as (

    select
        notes.note,
        notes.original_name,
        notes.source_sheet,
        notes.detail
    from notes
    order by notes.note, notes.original_name, notes.source_sheet

)

select * from final
