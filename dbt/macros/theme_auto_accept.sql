{% macro theme_auto_accept() -%}
    {#- The confidence at or above which a theme suggestion counts without a review:
        SQMY_THEME_AUTO_ACCEPT, a number in (0, 1]; unset or empty (the default)
        accepts nothing, and anything else stops the build with a message.
        (env_var is undefined only where sqlfluff renders the SQL.) -#}
    {%- set written = (
        env_var('SQMY_THEME_AUTO_ACCEPT', '') if env_var is defined else ''
    ) | trim -%}
    {%- set threshold = written | float(-1) -%}
    {%- if written and not (0 < threshold <= 1) -%}
        {{ exceptions.raise_compiler_error(
            "SQMY_THEME_AUTO_ACCEPT=" ~ written
            ~ " 无效：应为 0 到 1 之间的置信度（如 0.9），或不设置（不自动采纳）。"
        ) }}
    {%- endif -%}
    {{ return(threshold if written else none) }}
{%- endmacro %}
