{% macro sorted_distinct_string_agg(column, separator) -%}
    {#- string_agg(distinct column, separator order by column): the distinct
        values, ascending, joined; NULL when every value is NULL. DuckDB's
        ordered distinct string_agg sorts within every group, seconds over
        ~500k groups of one row; a list deduplicated and sorted once per group
        gives the same string in a fraction. -#}
    case
        when count({{ column }}) > 0
            then array_to_string(
                list_sort(list_distinct(list({{ column }}))), '{{ separator }}'
            )
    end
{%- endmacro %}
