{% test rate_in_unit_interval(model, column_name) %}
{#- A rate is a share: between 0 and 1 inclusive, or NULL (no denominator). -#}
select {{ column_name }}
from {{ model }}
where {{ column_name }} < 0 or {{ column_name }} > 1
{% endtest %}
