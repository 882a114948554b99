-- All indexes of user relations, constraint-backed ones included (for their comments, CLUSTER ON,
-- REPLICA IDENTITY and partition attachment), with per-column statistics targets.
SELECT i.indexrelid, i.indrelid, ic.relname, pg_catalog.pg_get_indexdef(i.indexrelid) AS indexdef,
       i.indisclustered, i.indisreplident, i.indisvalid, ic.reloptions,
       (SELECT con.oid FROM pg_catalog.pg_constraint con
        WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid
          AND con.contype IN ('p', 'u', 'x')) AS conoid,
       (SELECT inh.inhparent FROM pg_catalog.pg_inherits inh WHERE inh.inhrelid = i.indexrelid) AS parent_index,
       ARRAY(SELECT pg_catalog.format('%s %s', ia.attnum, ia.attstattarget) FROM pg_catalog.pg_attribute ia
             WHERE ia.attrelid = i.indexrelid AND ia.attstattarget >= 0 ORDER BY ia.attnum) AS stattargets,
       d.description
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = i.indexrelid AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
ORDER BY i.indrelid, ic.relname
