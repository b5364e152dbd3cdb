{% macro touched_since(ingest_seq_column) -%}
    {#- An incremental run (sqmy_etl.transform.incremental) passes the
        ingest_seq of the last successful build in SQMY_SINCE_INGEST_SEQ: rows
        loaded after it are new. -#}
    {{ ingest_seq_column }} > {{ since_ingest_seq() | int }}
{%- endmacro %}

{% macro touched_materialization() -%}
    {#- Incremental only on a run that names the last build's high-water mark
        (SQMY_SINCE_INGEST_SEQ); every other build, and every unit test, builds
        the plain table from all rows. -#}
    {{ return('incremental' if since_ingest_seq() != '' else 'table') }}
{%- endmacro %}

{% macro merges_touched_only() -%}
    {#- True on an incremental run of a touched_materialization() model
        whose table exists. Wrapped so that dbt's unit tests, which build
        the plain table, need no is_incremental override. -#}
    {{ return(since_ingest_seq() != '' and is_incremental()) }}
{%- endmacro %}

{% macro since_ingest_seq() -%}
    {#- The mark of an incremental build, '' for a full one. An env var, not a
        dbt var: changed --vars make dbt re-parse the whole project. sqlfluff
        renders without env_var, as a full build. -#}
    {{ return(env_var('SQMY_SINCE_INGEST_SEQ', '') if env_var is defined else '') }}
{%- endmacro %}

{% macro forget_touched_feedback() -%}
    {#- Pre-hook of the feedback models updated in place: an incremental run
        first deletes every row of the issues it resolves again
        (int_feedback_touched_issues), then appends their new rows. An issue
        whose feedback moved to a newer issue keeps no row, which delete+insert
        by key would leave behind. -#}
    {% if merges_touched_only() %}
        delete from {{ this }} where {{ in_touched_feedback_issues('issue_id') }}
    {% endif %}
{%- endmacro %}

{% macro in_touched_feedback_issues(issue_id_column) -%}
    {#- Whether the row's issue is one this build resolves again. The models
        that call it name int_feedback_touched_issues in a depends_on comment:
        dbt sees refs only in what it renders while parsing. -#}
    {{ issue_id_column }} in (
        select touched.issue_id
        from {{ ref('int_feedback_touched_issues') }} as touched
    )
{%- endmacro %}
