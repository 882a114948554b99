-- Tables, partitioned tables, views, materialized views, sequences and foreign tables, with what
-- pg_dump's getTables reads: options, partitioning, parents, view text, sequence parameters, owner column.
SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence,
       pg_catalog.pg_get_userbyid(c.relowner) AS owner,
       c.relacl::pg_catalog.text[] AS acl,
       pg_catalog.acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner)::pg_catalog.text[]
           AS baseacl,
       pg_catalog.array_remove(pg_catalog.array_remove(c.reloptions, 'check_option=local'),
                               'check_option=cascaded') AS reloptions,
       CASE WHEN 'check_option=local' = ANY (c.reloptions) THEN 'LOCAL'
            WHEN 'check_option=cascaded' = ANY (c.reloptions) THEN 'CASCADED' END AS checkoption,
       tc.reloptions AS toast_reloptions,
       c.relreplident, c.relrowsecurity, c.relforcerowsecurity,
       CASE WHEN c.reloftype <> 0 THEN pg_catalog.format_type(c.reloftype, NULL) END AS oftype,
       c.relispartition,
       CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END AS partbound,
       CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partkey,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END AS viewdef,
       ARRAY(SELECT i.inhparent FROM pg_catalog.pg_inherits i
             WHERE i.inhrelid = c.oid ORDER BY i.inhseqno) AS parents,
       pg_catalog.format_type(s.seqtypid, NULL) AS seqtype,
       s.seqstart::pg_catalog.text AS seqstart, s.seqincrement::pg_catalog.text AS seqincrement,
       s.seqmax::pg_catalog.text AS seqmax, s.seqmin::pg_catalog.text AS seqmin,
       s.seqcache::pg_catalog.text AS seqcache, s.seqcycle,
       own.refobjid AS owning_rel, own.refobjsubid AS owning_col, own.deptype AS owning_kind,
       CASE WHEN c.relkind IN ('r', 'm') THEN
            (SELECT am.amname FROM pg_catalog.pg_am am WHERE am.oid = c.relam) END AS amname,
       c.reltype, (SELECT rt.typarray FROM pg_catalog.pg_type rt WHERE rt.oid = c.reltype) AS reltypearray,
       d.description,
       CASE WHEN c.relkind = 'f' THEN
            (SELECT pg_catalog.quote_ident(fs.srvname) FROM pg_catalog.pg_foreign_table ft
             JOIN pg_catalog.pg_foreign_server fs ON fs.oid = ft.ftserver WHERE ft.ftrelid = c.oid) END AS srvname,
       CASE WHEN c.relkind = 'f' THEN
            (SELECT pg_catalog.array_to_string(ARRAY(
                 SELECT pg_catalog.quote_ident(o.option_name) || ' ' || pg_catalog.quote_literal(o.option_value)
                 FROM pg_catalog.pg_options_to_table(ft.ftoptions) o ORDER BY o.option_name), E',\n    ')
             FROM pg_catalog.pg_foreign_table ft WHERE ft.ftrelid = c.oid) END AS ftoptions
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_class tc ON tc.oid = c.reltoastrelid
LEFT JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
LEFT JOIN pg_catalog.pg_depend own
       ON c.relkind = 'S' AND own.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND own.objid = c.oid
      AND own.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND own.deptype IN ('a', 'i')
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
                  WHERE e.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                    AND e.objid = c.oid AND e.deptype = 'e')
