{{ config(materialized='view') }}

with

reviews as (

    select * from {{ ref('stg_raw__theme_reviews') }}

),

deliveries as (

    select * from {{ ref('int_deliveries') }}

),

final as (

    -- rows of deliveries that count: a replaced or retracted file drops out
    select
        -- ids
        reviews.submission_id,
        reviews.submission_key,

        -- lineage
        reviews.ingest_file_sha256,
        deliveries.delivery_seq,
        reviews.source_sheet,
        reviews.source_row,

        -- themes
        reviews.confirmed_theme,
        reviews.theme_l1,
        reviews.theme_l2

    from reviews
    inner join deliveries
        on reviews.ingest_file_sha256 = deliveries.file_sha256
    where not deliveries.is_withdrawn

)

select * from final
