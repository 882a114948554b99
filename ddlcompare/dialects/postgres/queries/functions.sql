-- Functions, procedures and aggregates (with their pg_aggregate row), as pg_dump's getFuncs/getAggregates;
-- functions internal to another object (range and multirange constructors: deptype 'i') are left out.
SELECT p.oid, n.nspname, p.proname, p.prokind,
       pg_catalog.pg_get_function_arguments(p.oid) AS args,
       pg_catalog.pg_get_function_identity_arguments(p.oid) AS iargs,
       CASE WHEN p.prokind IN ('f', 'w') THEN pg_catalog.pg_get_function_result(p.oid) END AS result,
       l.lanname, p.provolatile, p.proisstrict, p.prosecdef, p.proleakproof,
       p.procost::pg_catalog.text AS procost, p.prorows::pg_catalog.text AS prorows,
       NULLIF(p.prosupport, 0)::pg_catalog.regproc::pg_catalog.text AS prosupport,
       p.proparallel, p.proconfig, p.prosrc, NULLIF(p.probin, '') AS probin,
       CASE WHEN p.prosqlbody IS NOT NULL THEN pg_catalog.pg_get_function_sqlbody(p.oid) END AS sqlbody,
       p.proretset,
       ARRAY(SELECT pg_catalog.format_type(tt, NULL) FROM pg_catalog.unnest(p.protrftypes) AS tt) AS trftypes,
       pg_catalog.pg_get_userbyid(p.proowner) AS owner,
       p.proacl::pg_catalog.text[] AS acl,
       pg_catalog.acldefault('f', p.proowner)::pg_catalog.text[] AS baseacl,
       d.description,
       a.aggkind,
       a.aggtransfn::pg_catalog.text AS aggtransfn,
       NULLIF(a.aggfinalfn, 0)::pg_catalog.regproc::pg_catalog.text AS aggfinalfn,
       NULLIF(a.aggcombinefn, 0)::pg_catalog.regproc::pg_catalog.text AS aggcombinefn,
       NULLIF(a.aggserialfn, 0)::pg_catalog.regproc::pg_catalog.text AS aggserialfn,
       NULLIF(a.aggdeserialfn, 0)::pg_catalog.regproc::pg_catalog.text AS aggdeserialfn,
       NULLIF(a.aggmtransfn, 0)::pg_catalog.regproc::pg_catalog.text AS aggmtransfn,
       NULLIF(a.aggminvtransfn, 0)::pg_catalog.regproc::pg_catalog.text AS aggminvtransfn,
       NULLIF(a.aggmfinalfn, 0)::pg_catalog.regproc::pg_catalog.text AS aggmfinalfn,
       a.aggfinalextra, a.aggmfinalextra, a.aggfinalmodify, a.aggmfinalmodify,
       CASE WHEN a.aggsortop <> 0 THEN
            (SELECT 'OPERATOR(' || pg_catalog.quote_ident(opn.nspname) || '.' || o.oprname || ')'
             FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace opn ON opn.oid = o.oprnamespace
             WHERE o.oid = a.aggsortop) END AS aggsortop,
       pg_catalog.format_type(a.aggtranstype, NULL) AS aggtranstype, a.aggtransspace,
       CASE WHEN a.aggmtranstype <> 0 THEN pg_catalog.format_type(a.aggmtranstype, NULL) END AS aggmtranstype,
       a.aggmtransspace, a.agginitval, a.aggminitval
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
LEFT JOIN pg_catalog.pg_aggregate a ON a.aggfnoid = p.oid
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = p.oid AND d.classoid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objsubid = 0
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
                  WHERE e.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                    AND e.objid = p.oid AND e.deptype IN ('e', 'i'))
