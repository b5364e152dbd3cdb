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
