-- Publications with their tables (column lists, row filters) and schemas, aggregated per publication.
SELECT p.oid, p.pubname, pg_catalog.pg_get_userbyid(p.pubowner) AS owner, p.puballtables,
       p.pubinsert, p.pubupdate, p.pubdelete, p.pubtruncate, p.pubviaroot,
       ARRAY(SELECT pg_catalog.format('%s|%s|%s', pr.prrelid,
                    pg_catalog.array_to_string(ARRAY(
                        SELECT pg_catalog.quote_ident(a.attname) FROM pg_catalog.unnest(pr.prattrs) AS k(attnum)
                        JOIN pg_catalog.pg_attribute a ON a.attrelid = pr.prrelid AND a.attnum = k.attnum), ', '),
                    pg_catalog.pg_get_expr(pr.prqual, pr.prrelid))
             FROM pg_catalog.pg_publication_rel pr WHERE pr.prpubid = p.oid) AS rels,
       ARRAY(SELECT pn.pnnspid FROM pg_catalog.pg_publication_namespace pn WHERE pn.pnpubid = p.oid) AS schemas,
       d.description
FROM pg_catalog.pg_publication p
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = p.oid AND d.classoid = 'pg_catalog.pg_publication'::pg_catalog.regclass AND d.objsubid = 0
