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
