-- Index columns. No ORDER BY on purpose: information_schema fills STATISTICS table by table in the
-- order of TABLE_SHARE::key_info, which is the order SHOW CREATE TABLE prints keys in (primary key,
-- unique keys, plain keys, fulltext keys; sql_table.cc sort_keys). IGNORED: MariaDB 10.6+.
SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, COLLATION, SUB_PART, INDEX_TYPE,
       INDEX_COMMENT, IGNORED, NULL AS EXPRESSION
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = %(db)s
