{#- Two parts of a theme: 民生（养老） (NFKC: 民生(养老)), or 民生/教育, 民生-供暖,
    民生：供暖, 民生·教育 (the first two parts when there are more). -#}
{%- set opening = '[(（【〔' -%}
{%- set closing = '])）】〕' -%}
{%- set joiners = '/／:：·・—–－-' -%}
{%- set bracketed =
    '^([^' ~ opening ~ ']+)[' ~ opening ~ ']([^' ~ closing ~ ']+)[' ~ closing ~ ']'
-%}
{%- set joined =
    '^([^' ~ joiners ~ ']+)[' ~ joiners ~ ']+([^' ~ joiners ~ ']+)'
-%}
{{ config(materialized='view') }}

with

taxonomy as (

    select * from {{ ref('theme_taxonomy') }}

),

level_one as (

    select * from {{ ref('theme_l1') }}

),

aliases as (

    select * from {{ ref('theme_aliases') }}

),

affixes as (

    select * from {{ ref('name_affixes') }}

),

submissions as (

    select * from {{ ref('stg_raw__submissions') }}

),

issues as (

    select * from {{ ref('stg_raw__issues') }}

),

canonical_names as (

    select
        taxonomy.theme_l2 as written_name,
        taxonomy.theme_l1,
        taxonomy.theme_l2
    from taxonomy

    union all

    select
        level_one.theme_l1 as written_name,
        level_one.theme_l1,
        null as theme_l2
    from level_one
    where level_one.theme_l1 != '未分类'

),

alias_names as (

    select
        aliases.alias as written_name,
        canonical_names.theme_l1,
        canonical_names.theme_l2
    from aliases
    inner join canonical_names
        on aliases.theme_name = canonical_names.written_name

),

names as (

    select
        canonical_names.*,
        1 as precedence
    from canonical_names
    union all
    select
        alias_names.*,
        2 as precedence
    from alias_names

),

spellings as (

    select
        names.written_name,
        names.theme_l1,
        names.theme_l2,
        names.precedence
    from names

    union all

    select
        names.written_name || affixes.affix as written_name,
        names.theme_l1,
        names.theme_l2,
        3 as precedence
    from names
    inner join affixes
        on
            affixes.applies_to = 'theme'
            and affixes.affix_position = 'suffix'

),

ranked_spellings as (

    select
        spellings.written_name,
        spellings.theme_l1,
        spellings.theme_l2,
        rank() over (
            partition by spellings.written_name
            order by spellings.precedence
        ) as spelling_rank
    from spellings

),

terms as (

    select
        ranked_spellings.written_name,
        min(ranked_spellings.theme_l1) as theme_l1,
        min(ranked_spellings.theme_l2) as theme_l2
    from ranked_spellings
    where ranked_spellings.spelling_rank = 1
    group by ranked_spellings.written_name
    having
        count(
            distinct ranked_spellings.theme_l1
            || '/'
            || coalesce(ranked_spellings.theme_l2, '')
        )
        = 1

),

written_values as (

    select submissions.theme_as_written as written_value
    from submissions
    where submissions.theme_as_written is not null

    union

    select issues.theme_as_written as written_value
    from issues
    where issues.theme_as_written is not null

),

two_part_readings as (

    {% for pattern in [bracketed, joined] %}
        select
            written_values.written_value,
            trim(
                regexp_extract(written_values.written_value, '{{ pattern }}', 1)
            ) as first_part,
            trim(
                regexp_extract(written_values.written_value, '{{ pattern }}', 2)
            ) as second_part,
            {{ loop.index }} as reading_rank
        from written_values
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

two_part_themes as (

    select
        two_part_readings.written_value as written_name,
        first_term.theme_l1,
        coalesce(
            first_term.theme_l2,
            case
                when second_term.theme_l1 = first_term.theme_l1
                    then second_term.theme_l2
            end
        ) as theme_l2
    from two_part_readings
    inner join terms as first_term
        on two_part_readings.first_part = first_term.written_name
    left join terms as second_term
        on two_part_readings.second_part = second_term.written_name
    where
        two_part_readings.written_value not in (
            select terms.written_name from terms
        )
    qualify row_number() over (
        partition by two_part_readings.written_value
        order by two_part_readings.reading_rank
    ) = 1

),

final as (

    select * from terms
    union all
    select * from two_part_themes

)

select * from final
