-- Tables, views and sequences of the database, with the options SHOW CREATE TABLE prints.
-- CREATE_OPTIONS holds the options given at CREATE/ALTER time (ROW_FORMAT, STATS_*, CHECKSUM, engine
-- attributes such as `PAGE_COMPRESSED`='1'), in SHOW CREATE TABLE order (sql_show.cc, MariaDB 10.11).
-- TABLE_ROWS, DATA_LENGTH and INDEX_LENGTH are the engine's estimates, for the report's impact analysis.
SELECT t.TABLE_NAME, t.TABLE_TYPE, t.ENGINE, t.AUTO_INCREMENT, t.TABLE_COLLATION,
       c.CHARACTER_SET_NAME AS TABLE_CHARSET, t.CREATE_OPTIONS, t.TABLE_COMMENT,
       t.TABLE_ROWS, t.DATA_LENGTH, t.INDEX_LENGTH
FROM information_schema.TABLES t
LEFT JOIN information_schema.COLLATIONS c ON c.COLLATION_NAME = t.TABLE_COLLATION
WHERE t.TABLE_SCHEMA = %(db)s
