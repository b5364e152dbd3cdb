{% macro get_where_subquery(relation) -%}
    {#- dbt's own macro, which wraps a tested relation in its test's `where`,
        with one placeholder: `__loaded_after_last_build__` keeps only the rows
        loaded after the last successful build on an incremental run
        (SQMY_SINCE_INGEST_SEQ), and every row on a full one. The rows before
        the mark passed the same test in an earlier build and cannot have
        changed since: a code, seed or reference change, a replacement,
        retraction or re-delivery and an erasure all force a full build
        (sqmy_etl.transform.incremental). Only for tests a new row cannot fail
        together with an old one: a per-row test, or a key that names the
        row's file, whose rows are all loaded at one ingest_seq. The relation
        needs an ingest_seq column. -#}
    {%- set where = config.get('where') -%}
    {%- if not where -%}
        {%- do return(relation) -%}
    {%- endif -%}
    {%- set loaded = touched_since('ingest_seq') if since_ingest_seq() != '' else 'true' -%}
    {%- set where = where | replace('__loaded_after_last_build__', loaded) -%}
    {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
{%- endmacro %}
