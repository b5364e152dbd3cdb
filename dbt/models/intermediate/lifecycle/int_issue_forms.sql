with

issues as (

    select * from {{ ref('int_issues_mapped') }}

),

sources as (

    select * from {{ ref('int_issue_sources_bridged') }}

),

versioned as (

    select
        issues.issue_id,
        issues.issue_form,
        row_number() over (
            partition by issues.issue_id
            order by {{ delivery_order('issues') }}
        ) as version_number
    from issues

),

written as (

    select
        versioned.issue_id,
        {{ latest_non_null('issue_form') }} as issue_form
    from versioned
    group by versioned.issue_id

),

source_counts as (

    select
        sources.issue_id,
        count(*) as source_count
    from sources
    group by sources.issue_id

),

final as (

    select
        written.issue_id,
        coalesce(source_counts.source_count, 0) as source_count,
        written.issue_form as issue_form_as_written,
        -- CONTRACT §5: 单篇 for one source, 综合 for several; 编发形式 overrides
        coalesce(
            written.issue_form,
            case when source_counts.source_count > 1 then '综合' else '单篇' end
        ) as issue_form
    from written
    left join source_counts
        on written.issue_id = source_counts.issue_id

)

select * from final
