-- Row-level security policies; role lists as pg_dump builds them (PUBLIC when polroles is {0}).
SELECT pol.oid, pol.polrelid, pol.polname, pol.polcmd, pol.polpermissive,
       CASE WHEN pol.polroles = '{0}' THEN NULL
            ELSE pg_catalog.array_to_string(ARRAY(SELECT pg_catalog.quote_ident(rolname) FROM pg_catalog.pg_roles
                                                  WHERE oid = ANY (pol.polroles)), ', ') END AS roles,
       pg_catalog.pg_get_expr(pol.polqual, pol.polrelid) AS qual,
       pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid) AS withcheck,
       d.description
FROM pg_catalog.pg_policy pol
JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = pol.oid AND d.classoid = 'pg_catalog.pg_policy'::pg_catalog.regclass AND d.objsubid = 0
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
ORDER BY pol.polrelid, pol.polname
