-- Rarer object kinds in one pass, one JSON document per object: operators (not shells), text search
-- parsers/templates/dictionaries/configurations, foreign-data wrappers, servers (with user
-- mappings), access methods, casts and event triggers created after initdb.
SELECT 'operator' AS kind, o.oid, n.nspname, json_build_object(
           'name', o.oprname, 'owner', pg_catalog.pg_get_userbyid(o.oprowner), 'kind', o.oprkind,
           'code', o.oprcode::pg_catalog.regproc::pg_catalog.text, 'func', o.oprcode::pg_catalog.oid,
           'left', CASE WHEN o.oprleft <> 0 THEN pg_catalog.format_type(o.oprleft, NULL) END,
           'right', CASE WHEN o.oprright <> 0 THEN pg_catalog.format_type(o.oprright, NULL) END,
           'com', (SELECT 'OPERATOR(' || pg_catalog.quote_ident(cn.nspname) || '.' || c.oprname || ')'
                   FROM pg_catalog.pg_operator c JOIN pg_catalog.pg_namespace cn ON cn.oid = c.oprnamespace
                   WHERE c.oid = o.oprcom),
           'neg', (SELECT 'OPERATOR(' || pg_catalog.quote_ident(cn.nspname) || '.' || c.oprname || ')'
                   FROM pg_catalog.pg_operator c JOIN pg_catalog.pg_namespace cn ON cn.oid = c.oprnamespace
                   WHERE c.oid = o.oprnegate),
           'merges', o.oprcanmerge, 'hashes', o.oprcanhash,
           'rest', NULLIF(o.oprrest, 0)::pg_catalog.regproc::pg_catalog.text,
           'join', NULLIF(o.oprjoin, 0)::pg_catalog.regproc::pg_catalog.text,
           'description', d.description) AS data
FROM pg_catalog.pg_operator o
JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = o.oid AND d.classoid = 'pg_catalog.pg_operator'::pg_catalog.regclass AND d.objsubid = 0
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND o.oprcode <> 0
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_operator'::pg_catalog.regclass
                  AND e.objid = o.oid AND e.deptype = 'e')
UNION ALL
SELECT 'ts_parser', p.oid, n.nspname, json_build_object(
           'name', p.prsname, 'start', p.prsstart::pg_catalog.text, 'token', p.prstoken::pg_catalog.text,
           'end', p.prsend::pg_catalog.text, 'headline', NULLIF(p.prsheadline, 0)::pg_catalog.regproc::pg_catalog.text,
           'lextype', p.prslextype::pg_catalog.text, 'description', d.description)
FROM pg_catalog.pg_ts_parser p
JOIN pg_catalog.pg_namespace n ON n.oid = p.prsnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = p.oid AND d.classoid = 'pg_catalog.pg_ts_parser'::pg_catalog.regclass AND d.objsubid = 0
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_ts_parser'::pg_catalog.regclass
                  AND e.objid = p.oid AND e.deptype = 'e')
UNION ALL
SELECT 'ts_template', t.oid, n.nspname, json_build_object(
           'name', t.tmplname, 'init', NULLIF(t.tmplinit, 0)::pg_catalog.regproc::pg_catalog.text,
           'lexize', t.tmpllexize::pg_catalog.text, 'description', d.description)
FROM pg_catalog.pg_ts_template t
JOIN pg_catalog.pg_namespace n ON n.oid = t.tmplnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_ts_template'::pg_catalog.regclass AND d.objsubid = 0
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_ts_template'::pg_catalog.regclass
                  AND e.objid = t.oid AND e.deptype = 'e')
UNION ALL
SELECT 'ts_dict', t.oid, n.nspname, json_build_object(
           'name', t.dictname, 'owner', pg_catalog.pg_get_userbyid(t.dictowner),
           'template', pg_catalog.quote_ident(tn.nspname) || '.' || pg_catalog.quote_ident(tt.tmplname),
           'options', t.dictinitoption, 'description', d.description)
FROM pg_catalog.pg_ts_dict t
JOIN pg_catalog.pg_namespace n ON n.oid = t.dictnamespace
JOIN pg_catalog.pg_ts_template tt ON tt.oid = t.dicttemplate
JOIN pg_catalog.pg_namespace tn ON tn.oid = tt.tmplnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_ts_dict'::pg_catalog.regclass AND d.objsubid = 0
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_ts_dict'::pg_catalog.regclass
                  AND e.objid = t.oid AND e.deptype = 'e')
UNION ALL
SELECT 'ts_config', c.oid, n.nspname, json_build_object(
           'name', c.cfgname, 'owner', pg_catalog.pg_get_userbyid(c.cfgowner),
           'parser', pg_catalog.quote_ident(pn.nspname) || '.' || pg_catalog.quote_ident(p.prsname),
           'maps', ARRAY(SELECT json_build_array(
                             (SELECT tt.alias FROM pg_catalog.ts_token_type(c.cfgparser) AS tt
                              WHERE tt.tokid = m.maptokentype),
                             m.mapdict::pg_catalog.regdictionary::pg_catalog.text)
                         FROM pg_catalog.pg_ts_config_map m WHERE m.mapcfg = c.oid
                         ORDER BY m.maptokentype, m.mapseqno),
           'description', d.description)
FROM pg_catalog.pg_ts_config c
JOIN pg_catalog.pg_namespace n ON n.oid = c.cfgnamespace
JOIN pg_catalog.pg_ts_parser p ON p.oid = c.cfgparser
JOIN pg_catalog.pg_namespace pn ON pn.oid = p.prsnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_ts_config'::pg_catalog.regclass AND d.objsubid = 0
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_ts_config'::pg_catalog.regclass
                  AND e.objid = c.oid AND e.deptype = 'e')
UNION ALL
SELECT 'fdw', w.oid, '', json_build_object(
           'name', w.fdwname, 'owner', pg_catalog.pg_get_userbyid(w.fdwowner),
           'handler', NULLIF(w.fdwhandler, 0)::pg_catalog.regproc::pg_catalog.text,
           'validator', NULLIF(w.fdwvalidator, 0)::pg_catalog.regproc::pg_catalog.text,
           'options', pg_catalog.array_to_string(ARRAY(
                SELECT pg_catalog.quote_ident(o.option_name) || ' ' || pg_catalog.quote_literal(o.option_value)
                FROM pg_catalog.pg_options_to_table(w.fdwoptions) o ORDER BY o.option_name), E',\n    '),
           'acl', w.fdwacl::pg_catalog.text[], 'baseacl', pg_catalog.acldefault('F', w.fdwowner)::pg_catalog.text[],
           'description', d.description)
FROM pg_catalog.pg_foreign_data_wrapper w
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = w.oid AND d.classoid = 'pg_catalog.pg_foreign_data_wrapper'::pg_catalog.regclass AND d.objsubid = 0
WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
                  WHERE e.classid = 'pg_catalog.pg_foreign_data_wrapper'::pg_catalog.regclass
                    AND e.objid = w.oid AND e.deptype = 'e')
UNION ALL
SELECT 'server', s.oid, '', json_build_object(
           'name', s.srvname, 'owner', pg_catalog.pg_get_userbyid(s.srvowner), 'type', s.srvtype,
           'version', s.srvversion, 'fdw', w.fdwname, 'fdwoid', w.oid,
           'options', pg_catalog.array_to_string(ARRAY(
                SELECT pg_catalog.quote_ident(o.option_name) || ' ' || pg_catalog.quote_literal(o.option_value)
                FROM pg_catalog.pg_options_to_table(s.srvoptions) o ORDER BY o.option_name), E',\n    '),
           -- [user, options, readable]: pg_user_mappings shows options only to superusers, to the mapped
           -- role when it may use the server, and for PUBLIC to members of the server's owner
           'mappings', ARRAY(SELECT json_build_array(um.usename, pg_catalog.array_to_string(ARRAY(
                SELECT pg_catalog.quote_ident(o.option_name) || ' ' || pg_catalog.quote_literal(o.option_value)
                FROM pg_catalog.pg_options_to_table(um.umoptions) o ORDER BY o.option_name), E',\n    '),
                um.umoptions IS NOT NULL
                OR (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER)
                OR (um.umuser <> 0 AND um.usename = CURRENT_USER
                    AND (pg_catalog.pg_has_role(s.srvowner, 'USAGE')
                         OR pg_catalog.has_server_privilege(s.oid, 'USAGE')))
                OR (um.umuser = 0 AND pg_catalog.pg_has_role(s.srvowner, 'USAGE')))
                FROM pg_catalog.pg_user_mappings um WHERE um.srvid = s.oid ORDER BY um.usename),
           'acl', s.srvacl::pg_catalog.text[], 'baseacl', pg_catalog.acldefault('S', s.srvowner)::pg_catalog.text[],
           'description', d.description)
FROM pg_catalog.pg_foreign_server s
JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = s.oid AND d.classoid = 'pg_catalog.pg_foreign_server'::pg_catalog.regclass AND d.objsubid = 0
WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
                  WHERE e.classid = 'pg_catalog.pg_foreign_server'::pg_catalog.regclass
                    AND e.objid = s.oid AND e.deptype = 'e')
UNION ALL
SELECT 'access_method', a.oid, '', json_build_object(
           'name', a.amname, 'type', a.amtype, 'handler', a.amhandler::pg_catalog.text, 'description', d.description)
FROM pg_catalog.pg_am a
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = a.oid AND d.classoid = 'pg_catalog.pg_am'::pg_catalog.regclass AND d.objsubid = 0
WHERE a.oid >= 16384
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_am'::pg_catalog.regclass
                  AND e.objid = a.oid AND e.deptype = 'e')
UNION ALL
SELECT 'cast', c.oid, '', json_build_object(
           'source', pg_catalog.format_type(c.castsource, NULL), 'target', pg_catalog.format_type(c.casttarget, NULL),
           'method', c.castmethod, 'context', c.castcontext, 'func', c.castfunc,
           'funcsig', CASE WHEN c.castfunc <> 0 THEN
                (SELECT pg_catalog.quote_ident(fn.nspname) || '.' || pg_catalog.quote_ident(f.proname) || '(' ||
                        pg_catalog.array_to_string(ARRAY(SELECT pg_catalog.format_type(a, NULL)
                                                         FROM pg_catalog.unnest(f.proargtypes) AS a), ', ') || ')'
                 FROM pg_catalog.pg_proc f JOIN pg_catalog.pg_namespace fn ON fn.oid = f.pronamespace
                 WHERE f.oid = c.castfunc) END,
           'description', d.description)
FROM pg_catalog.pg_cast c
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_cast'::pg_catalog.regclass AND d.objsubid = 0
WHERE c.oid >= 16384
  -- the range-to-multirange casts come with their range type (PG 14+ pg_dump's getCasts)
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_range r
                  WHERE r.rngtypid = c.castsource AND r.rngmultitypid = c.casttarget)
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_cast'::pg_catalog.regclass
                  AND e.objid = c.oid AND e.deptype = 'e')
UNION ALL
SELECT 'event_trigger', t.oid, '', json_build_object(
           'name', t.evtname, 'owner', pg_catalog.pg_get_userbyid(t.evtowner), 'event', t.evtevent,
           'tags', pg_catalog.array_to_string(ARRAY(SELECT pg_catalog.quote_literal(x)
                                                    FROM pg_catalog.unnest(t.evttags) AS x), ', '),
           'func', t.evtfoid::pg_catalog.regproc::pg_catalog.text, 'enabled', t.evtenabled,
           'description', d.description)
FROM pg_catalog.pg_event_trigger t
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_event_trigger'::pg_catalog.regclass AND d.objsubid = 0
WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
                  WHERE e.classid = 'pg_catalog.pg_event_trigger'::pg_catalog.regclass
                    AND e.objid = t.oid AND e.deptype = 'e')
