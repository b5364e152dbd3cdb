{% macro summary_measures(submissions, issues) -%}
    {#- The measures the period and region marts publish: zero-filled counts and the 批示 rate. -#}
    cast(coalesce({{ submissions }}.submissions_received, 0) as integer)
        as submissions_received,
    cast(coalesce({{ issues }}.issues_published, 0) as integer)
        as issues_published,
    cast(coalesce({{ issues }}.issues_instructed, 0) as integer)
        as issues_instructed,
    {{ rate(issues ~ '.issues_instructed', issues ~ '.issues_published') }}
        as instruction_rate,
    cast(coalesce({{ issues }}.instructions_total, 0) as integer)
        as instructions_total,
    cast(coalesce({{ issues }}.issues_adopted_national, 0) as integer)
        as issues_adopted_national
{%- endmacro %}
