-- Each table's estimated rows and size on disk, for the report's impact analysis. Statistics only
-- (reltuples, relpages, as VACUUM and ANALYZE left them), never a count or pg_total_relation_size:
-- those scan each table or open and lock it with its indexes. A partitioned or inheritance parent
-- counts its whole tree, as an ALTER TABLE on it recurses to every member.
WITH RECURSIVE tree AS (
    SELECT c.oid AS root, c.oid AS member
    FROM pg_catalog.pg_class c
    WHERE c.relkind IN ('r', 'p', 'm')
    UNION ALL
    SELECT t.root, i.inhrelid
    FROM tree t
    JOIN pg_catalog.pg_inherits i ON i.inhparent = t.member
),
pages AS (
    SELECT c.oid,
           c.relkind,
           c.reltuples,
           c.relpages
             + COALESCE(tc.relpages, 0)
             + COALESCE((SELECT pg_catalog.sum(ic.relpages)
                         FROM pg_catalog.pg_index x
                         JOIN pg_catalog.pg_class ic ON ic.oid = x.indexrelid
                         WHERE x.indrelid IN (c.oid, c.reltoastrelid)), 0) AS pages
    FROM pg_catalog.pg_class c
    LEFT JOIN pg_catalog.pg_class tc ON tc.oid = c.reltoastrelid
    WHERE c.relkind IN ('r', 'p', 'm')
)
SELECT n.nspname, r.relname,
       CASE WHEN pg_catalog.bool_and(p.reltuples < 0 OR p.relkind = 'p') THEN NULL
            ELSE pg_catalog.sum(GREATEST(p.reltuples, 0)) FILTER (WHERE p.relkind <> 'p') END::bigint AS est_rows,
       (pg_catalog.sum(p.pages) * pg_catalog.current_setting('block_size')::bigint)::bigint AS est_bytes
FROM tree t
JOIN pages p ON p.oid = t.member
JOIN pg_catalog.pg_class r ON r.oid = t.root
JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
GROUP BY n.nspname, r.relname
ORDER BY n.nspname, r.relname
