"""sqmy-etl: 社情民意信息 ledgers in, trusted marts and leadership reports out."""
