-- Columns of tables and views. MariaDB >= 10.2.7 prints COLUMN_DEFAULT exactly as SHOW CREATE TABLE
-- does: string literals quoted, expressions as text, 'NULL' for DEFAULT NULL and SQL NULL for no default
-- (MDEV-10134, https://mariadb.com/kb/en/information-schema-columns-table/).
SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_DEFAULT, IS_NULLABLE, DATA_TYPE, COLUMN_TYPE,
       CHARACTER_SET_NAME, COLLATION_NAME, EXTRA, COLUMN_COMMENT, IS_GENERATED, GENERATION_EXPRESSION
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = %(db)s
ORDER BY TABLE_NAME, ORDINAL_POSITION
