-- User triggers (constraint triggers included); clones on partitions only matter when their enabled
-- state differs from the parent's (PG 15 pg_dump's getTriggers filter).
SELECT t.oid, t.tgrelid, t.tgname, pg_catalog.pg_get_triggerdef(t.oid, false) AS tgdef,
       t.tgenabled, t.tgparentid <> 0 AS is_clone, d.description
FROM pg_catalog.pg_trigger t
JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_trigger u ON u.oid = t.tgparentid
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_trigger'::pg_catalog.regclass AND d.objsubid = 0
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
  AND ((NOT t.tgisinternal AND t.tgparentid = 0) OR t.tgenabled <> u.tgenabled)
ORDER BY t.tgrelid, t.tgname
