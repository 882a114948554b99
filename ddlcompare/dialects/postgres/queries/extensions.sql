-- Extensions created after initdb (plpgsql predates FirstNormalObjectId and pg_dump skips it).
SELECT x.oid, x.extname, n.nspname, d.description
FROM pg_catalog.pg_extension x
JOIN pg_catalog.pg_namespace n ON n.oid = x.extnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = x.oid AND d.classoid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND d.objsubid = 0
WHERE x.oid >= 16384
