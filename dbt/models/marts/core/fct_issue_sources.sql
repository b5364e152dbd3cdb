with

bridge as (

    select * from {{ ref('int_issue_sources_bridged') }}

),

final as (

    select
        bridge.issue_id,
        bridge.submission_id,
        bridge.source_rank
    from bridge
    where bridge.is_loaded

)

select * from final
