{% macro measure_per_period(relation, date_column, key_column, measure, aggregate='count(*)') -%}
    {#- One measure per (period, key) over the rows of ``relation`` whose
        ``date_column`` falls in the period: the model defines the
        ``date_periods`` CTE (int_date_periods). Rows without a key are left
        out. -#}
    select
        date_periods.period_type,
        date_periods.period_label,
        {{ relation }}.{{ key_column }},
        {{ aggregate }} as {{ measure }}
    from {{ relation }}
    inner join date_periods
        on {{ relation }}.{{ date_column }} = date_periods.date_day
    where {{ relation }}.{{ key_column }} is not null
    group by
        date_periods.period_type,
        date_periods.period_label,
        {{ relation }}.{{ key_column }}
{%- endmacro %}
