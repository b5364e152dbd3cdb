{% macro duckdb__get_table_columns_and_constraints() -%}
    {#- DuckLake (target lake, SQMY_WAREHOUSE=ducklake) has no PRIMARY KEY or
        UNIQUE constraints: there the marts' contracts keep their column
        types and not-null constraints, and the keys stay guarded by the
        unique tests of _marts__models.yml. The embedded warehouse keeps them all. -#}
    {%- if target.name != 'lake' -%}
        {{ return(table_columns_and_constraints()) }}
    {%- endif -%}
    {%- set columns = {} -%}
    {%- for name, column in model['columns'].items() -%}
        {%- set kept = column['constraints']
            | rejectattr('type', 'in', ['primary_key', 'unique']) | list -%}
        {%- set copy = {} -%}
        {%- do copy.update(column) -%}
        {%- do copy.update({'constraints': kept}) -%}
        {%- do columns.update({name: copy}) -%}
    {%- endfor -%}
    {%- set raw_column_constraints = adapter.render_raw_columns_constraints(
        raw_columns=columns) -%}
    (
    {% for c in raw_column_constraints -%}
        {{ c }}{{ "," if not loop.last }}
    {% endfor %}
    )
{%- endmacro %}
