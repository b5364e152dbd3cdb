{% macro issue_measures(issues) -%}
    {#- The issue measures shared by the period and region marts. -#}
    count(*) as issues_published,
    count(*) filter (where {{ issues }}.is_instructed) as issues_instructed,
    sum({{ issues }}.instruction_count) as instructions_total,
    count(*) filter (
        where {{ issues }}.is_adopted_national
    ) as issues_adopted_national
{%- endmacro %}
