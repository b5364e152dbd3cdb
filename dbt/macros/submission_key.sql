{% macro submission_key(column) -%}
    {#- Offices write one id in many ways: after NFKC (done at ingest),
        upper-cased and without spaces, '-', '_' and '/', nm2021-0001,
        NM2021 0001 and NM2021-0001 are one submission (CONTRACT §1). -#}
    regexp_replace(upper({{ column }}), '[\s_/-]', '', 'g')
{%- endmacro %}
