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

unioned as (

    select * from canonical_names
    union all
    select * from alias_names

)

select * from unioned
