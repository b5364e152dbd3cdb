{% macro latest_non_null(column, version_column='version_number') -%}
    {#- The merge rule: the value of the newest version that has one.
        DuckDB's arg_max skips NULL arguments; the filter says so out loud. -#}
    arg_max({{ column }}, {{ version_column }})
        filter (where {{ column }} is not null)
{%- endmacro %}

{% macro latest_where_written(column, written_column, version_column='version_number') -%}
    {#- A value derived from a written one (a mapped code) travels with the
        newest written value, even when the mapping found nothing (NULL). -#}
    arg_max_null({{ column }}, {{ version_column }})
        filter (where {{ written_column }} is not null)
{%- endmacro %}

{% macro first_non_null(column, row_column='source_row') -%}
    {#- Within one version spread over several rows (an issue whose 期号 is
        repeated or merged over rows): the first row's value that is there. -#}
    arg_min({{ column }}, {{ row_column }})
        filter (where {{ column }} is not null)
{%- endmacro %}

{% macro first_where_written(column, written_column, row_column='source_row') -%}
    {#- latest_where_written within one version: a mapped value travels with
        the first written value of its rows. -#}
    arg_min_null({{ column }}, {{ row_column }})
        filter (where {{ written_column }} is not null)
{%- endmacro %}

{% macro only_where_written(column, written_column) -%}
    {#- latest_where_written of an id with one version: that version's
        mapped value when it wrote one, else NULL. A projection, so most ids
        (one version) need no aggregate over long text. -#}
    case when {{ written_column }} is not null then {{ column }} end
{%- endmacro %}

{% macro merged_field(column, written_column=none, single=false) -%}
    {#- One field of a merged id: latest_non_null (or latest_where_written
        when it is mapped from a written column) over several versions, the
        value itself for an id with one version (single=true). -#}
    {%- if single and written_column -%}
        {{ only_where_written(column, written_column) }}
    {%- elif single -%}
        {{ column }}
    {%- elif written_column -%}
        {{ latest_where_written(column, written_column) }}
    {%- else -%}
        {{ latest_non_null(column) }}
    {%- endif -%}
{%- endmacro %}
