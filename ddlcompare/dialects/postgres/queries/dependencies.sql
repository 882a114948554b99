-- What views, functions, column defaults, CHECK constraints and columns depend on, mapped to the
-- object that carries their DDL (a view's _RETURN rule to the view, a default to its column), for
-- ordering the output so that nothing is used before it is created. System objects are left out.
SELECT 'r' AS kind, r.ev_class AS objid, 0 AS objsub, dep.refclassid::pg_catalog.regclass::pg_catalog.text AS refclass,
       dep.refobjid
FROM pg_catalog.pg_depend dep
JOIN pg_catalog.pg_rewrite r ON r.oid = dep.objid
WHERE dep.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND dep.refobjid >= 16384
  AND dep.refobjid <> r.ev_class AND r.rulename = '_RETURN'
UNION ALL
SELECT 'd', ad.adrelid, ad.adnum, dep.refclassid::pg_catalog.regclass::pg_catalog.text, dep.refobjid
FROM pg_catalog.pg_depend dep
JOIN pg_catalog.pg_attrdef ad ON ad.oid = dep.objid
WHERE dep.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass AND dep.refobjid >= 16384
  AND dep.refobjid <> ad.adrelid
UNION ALL
SELECT 'f', dep.objid, 0, dep.refclassid::pg_catalog.regclass::pg_catalog.text, dep.refobjid
FROM pg_catalog.pg_depend dep
WHERE dep.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND dep.refobjid >= 16384
  AND dep.deptype = 'n'
UNION ALL
SELECT CASE WHEN con.contypid <> 0 THEN 't' ELSE 'c' END, CASE WHEN con.contypid <> 0 THEN con.contypid ELSE con.conrelid END,
       0, dep.refclassid::pg_catalog.regclass::pg_catalog.text, dep.refobjid
FROM pg_catalog.pg_depend dep
JOIN pg_catalog.pg_constraint con ON con.oid = dep.objid
WHERE dep.classid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND dep.refobjid >= 16384
  AND con.contype = 'c' AND dep.refobjid <> con.conrelid AND dep.refobjid <> con.contypid
UNION ALL
SELECT 't', dep.objid, 0, dep.refclassid::pg_catalog.regclass::pg_catalog.text, dep.refobjid
FROM pg_catalog.pg_depend dep
WHERE dep.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND dep.refobjid >= 16384
  AND dep.deptype = 'n'
UNION ALL
SELECT 'a', dep.objid, dep.objsubid, dep.refclassid::pg_catalog.regclass::pg_catalog.text, dep.refobjid
FROM pg_catalog.pg_depend dep
WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.refobjid >= 16384
  AND dep.deptype = 'n' AND dep.refobjid <> dep.objid
