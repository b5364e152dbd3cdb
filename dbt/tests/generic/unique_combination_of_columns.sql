{% test unique_combination_of_columns(model, columns) %}
{#- A composite key is unique; NULLs compare equal, as in a GROUP BY. -#}
select
    {{ columns | join(', ') }},
    count(*) as n_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
