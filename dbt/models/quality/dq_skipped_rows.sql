with

skipped as (

    select * from {{ ref('int_skipped_rows_counted') }}

),

final as (

    select
        skipped.original_name,
        skipped.source_sheet,
        skipped.source_row,
        skipped.why,
        skipped.row_text
    from skipped
    order by
        skipped.delivery_seq,
        skipped.source_sheet,
        skipped.source_row

)

select * from final
