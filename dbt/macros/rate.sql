{% macro rate(numerator, denominator) -%}
    {#- A share in [0, 1]; NULL, not 0, when nothing could have happened. -#}
    cast({{ numerator }} as double) / nullif({{ denominator }}, 0)
{%- endmacro %}
