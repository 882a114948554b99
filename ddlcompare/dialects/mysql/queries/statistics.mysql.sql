-- Index columns in key_info order (no ORDER BY, see statistics.mariadb.sql). MySQL 8.0.13+ has
-- functional key parts (EXPRESSION) and invisible indexes (IS_VISIBLE).
SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, COLLATION, SUB_PART, INDEX_TYPE,
       INDEX_COMMENT, IF(IS_VISIBLE = 'NO', 'YES', 'NO') AS IGNORED, EXPRESSION
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = %(db)s
