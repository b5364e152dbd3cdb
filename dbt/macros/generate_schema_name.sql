{% macro generate_schema_name(custom_schema_name, node) -%}
    {#- Layer schemas keep their plain names (staging, marts, ...) so the
        warehouse reads like the project tree and the published copy can
        take the marts schema as it is. -#}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
