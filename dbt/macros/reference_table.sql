{% macro reference_table(seed_name) -%}
    {#- The seed, or the office's own $SQMY_HOME/reference/<seed>.csv when
        there is one (CONTRACT §5: units, scoring_rules). SQMY_HOME defaults
        to sqmy-home under the working directory, as in sqmy_etl.config, and
        the file is checked in Python before dbt runs
        (sqmy_etl.reference_overrides). Every column is read as text; the
        staging model casts it. At parse time this is always the seed, so
        the seed stays upstream in the graph. Columns are found by name.
        (env_var is undefined only where sqlfluff renders the SQL.) -#}
    {%- set home = env_var('SQMY_HOME', 'sqmy-home') if env_var is defined else 'sqmy-home' -%}
    {%- set path = (home ~ '/reference/' ~ seed_name ~ '.csv') | replace("'", "''") -%}
    {%- set found = false -%}
    {%- if execute -%}
        {%- set listing = run_query("select count(*) from glob('" ~ path ~ "')") -%}
        {%- set found = listing.columns[0].values()[0] > 0 -%}
    {%- endif -%}
    {%- if found -%}
        read_csv('{{ path }}', header = true, all_varchar = true)
    {%- else -%}
        {{ ref(seed_name) }}
    {%- endif -%}
{%- endmacro %}
