-- User types: enums, domains, ranges, composite types, base and shell types. Array and multirange
-- types made implicitly, and the row types of tables, are left out as pg_dump does.
SELECT t.oid, n.nspname, t.typname, t.typtype, pg_catalog.pg_get_userbyid(t.typowner) AS owner,
       t.typacl::pg_catalog.text[] AS acl,
       pg_catalog.acldefault('T', t.typowner)::pg_catalog.text[] AS baseacl,
       d.description, t.typrelid, t.typarray,
       CASE WHEN t.typtype = 'e' THEN ARRAY(SELECT e.enumlabel FROM pg_catalog.pg_enum e
                                            WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) END AS labels,
       CASE WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod) END AS basetype,
       t.typnotnull, t.typdefault,
       CASE WHEN t.typtype = 'd' AND t.typcollation <> bt.typcollation THEN
            (SELECT pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname)
             FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
             WHERE co.oid = t.typcollation) END AS collation,
       pg_catalog.format_type(r.rngsubtype, NULL) AS rngsubtype,
       pg_catalog.format_type(r.rngmultitypid, NULL) AS rngmultitype,
       CASE WHEN NOT opc.opcdefault THEN
            pg_catalog.quote_ident(opcn.nspname) || '.' || pg_catalog.quote_ident(opc.opcname) END AS rngopclass,
       CASE WHEN r.rngcollation <> st.typcollation THEN
            (SELECT pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname)
             FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
             WHERE co.oid = r.rngcollation) END AS rngcollation,
       NULLIF(r.rngcanonical, 0)::pg_catalog.regproc::pg_catalog.text AS rngcanonical,
       NULLIF(r.rngsubdiff, 0)::pg_catalog.regproc::pg_catalog.text AS rngsubdiff,
       t.typisdefined, t.typinput::pg_catalog.text AS typinput, t.typoutput::pg_catalog.text AS typoutput,
       NULLIF(t.typreceive, 0)::pg_catalog.regproc::pg_catalog.text AS typreceive,
       NULLIF(t.typsend, 0)::pg_catalog.regproc::pg_catalog.text AS typsend,
       NULLIF(t.typmodin, 0)::pg_catalog.regproc::pg_catalog.text AS typmodin,
       NULLIF(t.typmodout, 0)::pg_catalog.regproc::pg_catalog.text AS typmodout,
       NULLIF(t.typanalyze, 0)::pg_catalog.regproc::pg_catalog.text AS typanalyze,
       NULLIF(t.typsubscript, 0)::pg_catalog.regproc::pg_catalog.text AS typsubscript,
       t.typlen, t.typbyval, t.typalign, t.typstorage, t.typcategory, t.typispreferred, t.typdelim,
       CASE WHEN t.typelem <> 0 THEN pg_catalog.format_type(t.typelem, NULL) END AS typelem,
       t.typcollation <> 0 AS collatable
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype
LEFT JOIN pg_catalog.pg_range r ON r.rngtypid = t.oid
LEFT JOIN pg_catalog.pg_type st ON st.oid = r.rngsubtype
LEFT JOIN pg_catalog.pg_opclass opc ON opc.oid = r.rngsubopc
LEFT JOIN pg_catalog.pg_namespace opcn ON opcn.oid = opc.opcnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass AND d.objsubid = 0
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
  AND t.typtype IN ('b', 'c', 'd', 'e', 'r', 'p')
  AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid) = 'c')
  AND NOT (t.typtype = 'b' AND t.typcategory = 'A'
           AND EXISTS (SELECT 1 FROM pg_catalog.pg_type et WHERE et.oid = t.typelem AND et.typarray = t.oid))
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_range mr WHERE mr.rngmultitypid = t.oid)
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
                  WHERE e.classid = 'pg_catalog.pg_type'::pg_catalog.regclass
                    AND e.objid = t.oid AND e.deptype = 'e')
