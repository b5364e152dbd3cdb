{% test primary_key(model, column_name) %}
{#- 单列主键：不为空、不重复。一次扫描代替 unique + not_null 两次
    （视图每扫描一次就重算一次）。失败行：键值及其行数，缺键时键值为 NULL。
    A single-column key is never NULL and never repeated: one scan instead of
    the two of unique + not_null (a view is recomputed on every scan). A
    failing row is a key value with its number of rows; NULL for missing keys. -#}
select
    {{ column_name }},
    count(*) as n_rows
from {{ model }}
group by {{ column_name }}
having {{ column_name }} is null or count(*) > 1
{% endtest %}
