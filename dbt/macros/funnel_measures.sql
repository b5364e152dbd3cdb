{% macro funnel_steps() -%}
    {#- The funnel's steps after issues_published (CONTRACT §5) as
        "count:flag" pairs: each count is the published issues with that
        flag of int_issue_lifecycle. -#}
    issues_sent_up:is_sent_up,issues_adopted_national:is_adopted_national,issues_adopted_region:is_adopted_region,issues_instructed:is_instructed,issues_instructed_national:is_instructed_national,issues_instructed_region:is_instructed_region,issues_instructed_league:is_instructed_league,issues_with_response:has_response,issues_response_done:is_response_done
{%- endmacro %}

{% macro funnel_counts(issues) -%}
    {#- The funnel's counts over a group of issues. -#}
    count(*) as issues_published,
    {%- for step in (funnel_steps() | trim).split(',') %}
    {%- set name, flag = step.split(':') %}
    count(*) filter (where {{ issues }}.{{ flag }}) as {{ name }},
    {%- endfor %}
    median({{ issues }}.days_to_first_instruction)
        as median_days_to_first_instruction,
    median({{ issues }}.days_to_response) as median_days_to_response
{%- endmacro %}

{% macro funnel_measures(counts) -%}
    {#- Zero-filled counts, each step's rate over issues_published, medians. -#}
    cast(coalesce({{ counts }}.issues_published, 0) as integer)
        as issues_published,
    {%- for step in (funnel_steps() | trim).split(',') %}
    {%- set name, flag = step.split(':') %}
    cast(coalesce({{ counts }}.{{ name }}, 0) as integer) as {{ name }},
    {{ rate(counts ~ '.' ~ name, counts ~ '.issues_published') }}
        as {{ name }}_rate,
    {%- endfor %}
    cast({{ counts }}.median_days_to_first_instruction as double)
        as median_days_to_first_instruction,
    cast({{ counts }}.median_days_to_response as double)
        as median_days_to_response
{%- endmacro %}
