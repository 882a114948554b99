-- Extended statistics objects.
SELECT s.oid, n.nspname, s.stxname, s.stxrelid, pg_catalog.pg_get_statisticsobjdef(s.oid) AS def,
       s.stxstattarget, pg_catalog.pg_get_userbyid(s.stxowner) AS owner, d.description
FROM pg_catalog.pg_statistic_ext s
JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = s.oid AND d.classoid = 'pg_catalog.pg_statistic_ext'::pg_catalog.regclass AND d.objsubid = 0
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
                  WHERE e.classid = 'pg_catalog.pg_statistic_ext'::pg_catalog.regclass
                    AND e.objid = s.oid AND e.deptype = 'e')
