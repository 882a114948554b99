-- ALTER DEFAULT PRIVILEGES entries; the base is acldefault() only for the global ones (pg_dump does so).
SELECT pg_catalog.pg_get_userbyid(da.defaclrole) AS role, n.nspname, da.defaclobjtype,
       da.defaclacl::pg_catalog.text[] AS acl,
       CASE WHEN da.defaclnamespace = 0 THEN
            pg_catalog.acldefault(CASE WHEN da.defaclobjtype = 'S' THEN 's' ELSE da.defaclobjtype END::"char",
                                  da.defaclrole)::pg_catalog.text[]
            ELSE '{}' END AS baseacl
FROM pg_catalog.pg_default_acl da
LEFT JOIN pg_catalog.pg_namespace n ON n.oid = da.defaclnamespace
