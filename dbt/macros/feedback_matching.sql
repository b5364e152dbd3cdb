{#- When two feedback rows of one issue, type and date are the same 批示
    (CONTRACT §1 "Feedback type"): a leader's post is compared without the
    body it may start with (自治区政府副主席 and 副主席 are one post), whole
    post against whole post (主席 and 副主席 are not). Used by
    int_feedback_variants, int_feedback_resolved and
    dq_ambiguous_feedback_pairs, so the count and the report agree. -#}

{% macro post_body_pattern() -%}
    {#- A body a post may start with: the regional and national bodies by
        name, or a 盟市 body after its place name (赤峰市委, 兴安盟行署,
        or 市委 with the place left out). -#}
    '^((?:内蒙古)?(?:中共中央|国务院|全国人大常委会|全国人大|全国政协|自治区党委|自治区人民政府|自治区政府|自治区人大常委会|自治区人大|自治区政协)|[^、，,；;\s]{0,10}?(?:市委|市人民政府|市政府|市人大常委会|市人大|市政协|盟委|盟行政公署|行政公署|行署|盟政协))'
{%- endmacro %}

{% macro post_core(post) -%}
    {#- The post without its leading body; the whole post when it names no
        body or is nothing but one. -#}
    coalesce(
        nullif(regexp_replace({{ post }}, {{ post_body_pattern() }}, ''), ''),
        {{ post }}
    )
{%- endmacro %}

{% macro post_body(post) -%}
    {#- The leading body in one spelling (内蒙古 dropped, 人民政府 as 政府,
        行政公署 as 行署, 人大常委会 as 人大); NULL when there is none. -#}
    case
        when regexp_replace({{ post }}, {{ post_body_pattern() }}, '') <> ''
            then nullif(
                replace(replace(replace(
                    regexp_replace(
                        regexp_extract({{ post }}, {{ post_body_pattern() }}, 1),
                        '^内蒙古', ''
                    ),
                    '人民政府', '政府'), '行政公署', '行署'), '人大常委会', '人大'),
                ''
            )
    end
{%- endmacro %}

{% macro feedback_levels_compatible(a, b) -%}
    {#- Levels equal, or one of them blank. -#}
    coalesce({{ a }}.level_key = {{ b }}.level_key, true)
{%- endmacro %}

{% macro feedback_bodies_compatible(a, b) -%}
    {#- Bodies equal, one blank, or one the other without its place name
        (市委 and 赤峰市委); 自治区政府 and 自治区政协 are not. -#}
    coalesce(
        suffix({{ a }}.post_body, {{ b }}.post_body)
        or suffix({{ b }}.post_body, {{ a }}.post_body),
        true
    )
{%- endmacro %}

{% macro feedback_post_is_deputy_of(longer, shorter) -%}
    {#- The longer core is the shorter one with a leading part ending in 副:
        副主席 is the deputy of 主席, a different post. -#}
    suffix(
        left({{ longer }}.post_core,
            length({{ longer }}.post_core) - length({{ shorter }}.post_core)),
        '副'
    )
{%- endmacro %}

{% macro feedback_post_extends(longer, shorter) -%}
    {#- The longer core ends with the shorter one and more stands before it
        that no body explains (常务副主席 and 副主席, 赤峰市市长 and 市长). -#}
    (
        length({{ longer }}.post_core) > length({{ shorter }}.post_core)
        and suffix({{ longer }}.post_core, {{ shorter }}.post_core)
        and not {{ feedback_post_is_deputy_of(longer, shorter) }}
    )
{%- endmacro %}

{% macro feedback_pair_kind(a, b) -%}
    {#- Two variants of one issue, type and date:
        same          — clearly one 批示 (levels equal or one blank, posts equal
                        or both blank);
        post_blank    — one post blank, the other filled, levels compatible;
        level_differs — one post, two different filled levels;
        post_suffix   — one post ends with the other beyond a body
                        (常务副主席 / 副主席), levels compatible;
        different     — clearly two 批示 (主席 / 副主席, 自治区政府 /
                        自治区政协, different levels with a post blank).
        Past the first branch both posts are blank or both filled, so a
        NULL comparison of two blank posts counts as equal. -#}
    case
        when
            ({{ a }}.post_core is null and {{ b }}.post_core is not null)
            or ({{ a }}.post_core is not null and {{ b }}.post_core is null)
            then
                case
                    when {{ feedback_levels_compatible(a, b) }}
                        then 'post_blank'
                    else 'different'
                end
        when
            coalesce({{ a }}.post_core = {{ b }}.post_core, true)
            and {{ feedback_bodies_compatible(a, b) }}
            then
                case
                    when {{ feedback_levels_compatible(a, b) }} then 'same'
                    else 'level_differs'
                end
        when
            {{ feedback_levels_compatible(a, b) }}
            and {{ feedback_bodies_compatible(a, b) }}
            and (
                {{ feedback_post_extends(a, b) }}
                or {{ feedback_post_extends(b, a) }}
            )
            then 'post_suffix'
        else 'different'
    end
{%- endmacro %}
