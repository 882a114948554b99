-- Table and domain constraints (CHECK, PRIMARY KEY, UNIQUE, EXCLUDE, FOREIGN KEY). NOT NULL and
-- constraint triggers are read elsewhere (pg_attribute, pg_trigger), as pg_dump does in PG 15.
SELECT con.oid, con.conname, con.contype, con.conrelid, con.contypid,
       pg_catalog.pg_get_constraintdef(con.oid) AS condef,
       con.convalidated, con.conislocal, con.conparentid, con.conindid,
       d.description
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_namespace n ON n.oid = con.connamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = con.oid AND d.classoid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND d.objsubid = 0
WHERE con.contype IN ('c', 'p', 'u', 'x', 'f')
  AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
ORDER BY con.conrelid, con.contypid, con.conname
