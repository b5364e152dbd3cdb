with

near_duplicates as (

    select * from {{ ref('int_submissions_near_duplicates') }}

),

final as (

    select
        near_duplicates.submission_id,
        near_duplicates.possible_duplicate_of,
        near_duplicates.similarity
    from near_duplicates
    order by
        near_duplicates.possible_duplicate_of,
        near_duplicates.submission_id

)

select * from final
