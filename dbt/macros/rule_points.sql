{% macro rule_points(events, rules) -%}
    {#- The points of each event kind (event_type, channel, level, event_date)
        found in `events`, by the scoring rule of `rules` valid on that day
        (CONTRACT §5): a rule with a blank channel or level applies to any,
        the most specific rule wins (a blank matches less than a value), then
        the higher points; a kind no rule covers scores 0. One rule for the
        lifecycle scores and the reports' issue points, computed per kind and
        day, not per event (a window over every event's candidate rules, 1M). -#}
    select
        kinds.event_type,
        kinds.channel,
        kinds.level,
        kinds.event_date,
        coalesce({{ rules }}.points, 0) as points
    from (
        select distinct
            {{ events }}.event_type,
            {{ events }}.channel,
            {{ events }}.level,
            {{ events }}.event_date
        from {{ events }}
    ) as kinds
    left join {{ rules }}
        on
            kinds.event_type = {{ rules }}.event_type
            and coalesce(
                kinds.channel = {{ rules }}.channel, {{ rules }}.channel is null
            )
            and coalesce(
                kinds.level = {{ rules }}.level, {{ rules }}.level is null
            )
            and kinds.event_date >= {{ rules }}.valid_from
            and (
                {{ rules }}.valid_to is null
                or kinds.event_date <= {{ rules }}.valid_to
            )
    qualify row_number() over (
        partition by
            kinds.event_type, kinds.channel, kinds.level, kinds.event_date
        order by
            cast({{ rules }}.channel is not null as integer)
            + cast({{ rules }}.level is not null as integer) desc,
            {{ rules }}.points desc
    ) = 1
{%- endmacro %}
