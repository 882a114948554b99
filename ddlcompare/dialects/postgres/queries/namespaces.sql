-- Schemas other than the system ones (pg_*, information_schema), like pg_dump's getNamespaces.
SELECT n.oid, n.nspname, pg_catalog.pg_get_userbyid(n.nspowner) AS owner,
       n.nspacl::pg_catalog.text[] AS acl,
       COALESCE(pip.initprivs, pg_catalog.acldefault('n', n.nspowner))::pg_catalog.text[] AS baseacl,
       n.nspowner = 'pg_database_owner'::pg_catalog.regrole AS default_owner,
       d.description
FROM pg_catalog.pg_namespace n
LEFT JOIN pg_catalog.pg_init_privs pip
       ON pip.objoid = n.oid AND pip.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND pip.objsubid = 0
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = n.oid AND d.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND d.objsubid = 0
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
                  WHERE e.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass
                    AND e.objid = n.oid AND e.deptype = 'e')
