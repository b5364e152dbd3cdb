{% macro delivery_order(relation) -%}
    {#- The order versions are delivered in (CONTRACT §1): deliveries as they
        count (a re-delivered file at its re-delivery), then sheets by their
        position in the workbook (Sheet9 before Sheet10, whatever the names),
        then rows. The sheet name only breaks ties between rows loaded before
        sheet positions were kept (all at position 0). -#}
    {{ relation }}.delivery_seq,
    {{ relation }}.source_sheet_no,
    {{ relation }}.source_row,
    {{ relation }}.source_sheet
{%- endmacro %}
