-- Triggers with body, DEFINER, sql_mode and client character set. No ORDER BY: the natural order is
-- per table in ACTION_ORDER, as SHOW TRIGGERS (and so mysqldump) lists them.
SELECT TRIGGER_NAME, EVENT_MANIPULATION, EVENT_OBJECT_TABLE, ACTION_ORDER, ACTION_STATEMENT,
       ACTION_TIMING, SQL_MODE, DEFINER, CHARACTER_SET_CLIENT, COLLATION_CONNECTION
FROM information_schema.TRIGGERS
WHERE TRIGGER_SCHEMA = %(db)s
