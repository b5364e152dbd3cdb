{% macro submission_check_columns() -%}
    {#- The merged fields whose change opens a new version in snap_submissions. -#}
    {{ return([
        'received_date', 'title', 'sector', 'content', 'region_as_written',
        'theme_as_written', 'linked_issue_id', 'submitter_hash',
    ]) }}
{%- endmacro %}

{% macro submission_row_hash(relation) -%}
    {#- One hash of the check columns: the snapshot compares one column, not
        eight long texts. JSON keeps NULL apart from the text 'NULL'. -#}
    md5(to_json({
        {%- for column in submission_check_columns() %}
        '{{ column }}': {{ relation }}.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    }))
{%- endmacro %}

{% macro backfill_snapshot_row_hash() -%}
    {#- Pre-hook of snap_submissions: a snapshot written before row_hash
        existed gets the column filled from its own values, so the first
        build after the change does not open a new version for every id. -#}
    {%- set existing = adapter.get_relation(
        database=this.database, schema=this.schema, identifier=this.identifier
    ) -%}
    {%- if existing is not none -%}
        {%- set names = adapter.get_columns_in_relation(existing)
            | map(attribute='name') | map('lower') | list -%}
        {%- if 'row_hash' not in names -%}
            alter table {{ existing }} add column row_hash varchar;
            update {{ existing }} as snap
            set row_hash = {{ submission_row_hash('snap') }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
