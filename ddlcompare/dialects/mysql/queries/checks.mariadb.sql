-- CHECK constraints (MariaDB 10.2+). LEVEL 'Column' ones are printed inside the column definition.
-- No ORDER BY: the natural order is the table's definition order, as SHOW CREATE TABLE prints them.
SELECT TABLE_NAME, CONSTRAINT_NAME, LEVEL, CHECK_CLAUSE, 'YES' AS ENFORCED
FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA = %(db)s
