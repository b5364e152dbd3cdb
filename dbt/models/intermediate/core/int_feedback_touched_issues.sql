{#- The issues whose feedback this build matches and resolves again. A
    feedback row's issue (with or without a year) always has the row's
    sequence number, so an issue can gain or lose feedback only when an issue
    or feedback row of its sequence number was loaded: on an incremental run
    those issues, on every other run all issues with a sequence number. -#}

with

issues as (

    select * from {{ ref('int_issues_merged') }}

),

counted_issues as (

    select * from {{ ref('int_issues_counted') }}

),

counted_feedback as (

    select * from {{ ref('int_feedback_counted') }}

),

issue_seqs as (

    select counted_issues.issue_seq
    from counted_issues
    {% if since_ingest_seq() != '' %}
        where {{ touched_since('counted_issues.ingest_seq') }}
    {% endif %}

),

feedback_seqs as (

    select counted_feedback.issue_seq
    from counted_feedback
    {% if since_ingest_seq() != '' %}
        where {{ touched_since('counted_feedback.ingest_seq') }}
    {% endif %}

),

touched_seqs as (

    select issue_seqs.issue_seq from issue_seqs
    union
    select feedback_seqs.issue_seq from feedback_seqs

),

final as (

    select
        issues.issue_id,
        issues.issue_seq
    from issues
    semi join touched_seqs
        on issues.issue_seq = touched_seqs.issue_seq

)

select * from final
