-- The scoring rules the marts were scored by (the shipped example or the
-- office's $SQMY_HOME/reference/scoring_rules.csv), published so reports can
-- explain and add up points (the 优秀信息 shortlist) without reading the
-- reference file themselves.
with

rules as (

    select * from {{ ref('stg_reference__scoring_rules') }}

)

select
    event_type,
    channel,
    level,
    grade,
    points,
    valid_from,
    valid_to
from rules
