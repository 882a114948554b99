-- Hand-written MariaDB views, routines, triggers, events and sequences (ddlcompare's own fixture).
CREATE TABLE item (id int PRIMARY KEY, name varchar(20), price decimal(8,2), active tinyint(1) DEFAULT 1, cat_id int);
CREATE TABLE cat (id int PRIMARY KEY, label varchar(20));
CREATE TABLE audit (id int AUTO_INCREMENT PRIMARY KEY, msg text, at timestamp DEFAULT CURRENT_TIMESTAMP);
CREATE VIEW v_simple AS select id, name from item where active;
CREATE ALGORITHM=MERGE SQL SECURITY INVOKER VIEW v_join AS
  select i.id, c.label, i.price*2, upper(i.name) AS uname
  from item i join cat c on c.id = i.cat_id
  WITH LOCAL CHECK OPTION;
CREATE VIEW v_agg AS SELECT count(*), max(price) m, cat_id FROM item GROUP BY cat_id HAVING count(*) > 1 ORDER BY m DESC;
CREATE VIEW v_cols (a, b) AS SELECT id, name FROM item;
CREATE VIEW v_union AS SELECT id FROM item UNION ALL SELECT id FROM cat;
CREATE VIEW v_derived AS SELECT x.id, x.n FROM (SELECT id, name AS n FROM item WHERE price > 10) x;
CREATE VIEW v_sub AS SELECT id FROM item WHERE cat_id IN (SELECT id FROM cat WHERE label LIKE 'a%');
CREATE VIEW v_case AS SELECT item.id, CASE WHEN price > 100 THEN 'high' WHEN price > 10 THEN 'mid' ELSE 'low' END AS band, IFNULL(name, '-') AS nm, coalesce(name, label) AS cn FROM item LEFT JOIN cat ON cat.id = item.cat_id;
CREATE VIEW v_of_view AS SELECT a, b FROM v_cols WHERE a > 1;
CREATE OR REPLACE VIEW v_simple AS select id, name, price from item where active = 1;
CREATE VIEW v_dropped AS SELECT 1 AS one;
DROP VIEW v_dropped;
DELIMITER ;;
CREATE TRIGGER trg1 BEFORE INSERT ON item FOR EACH ROW BEGIN
  -- uppercase the name
  SET NEW.name = upper(NEW.name);
END;;
CREATE TRIGGER trg2 BEFORE INSERT ON item FOR EACH ROW SET NEW.active = 1;;
CREATE TRIGGER trg0 BEFORE INSERT ON item FOR EACH ROW PRECEDES trg1 SET NEW.price = IFNULL(NEW.price, 0);;
CREATE TRIGGER trg_after AFTER UPDATE ON item FOR EACH ROW INSERT INTO audit (msg) VALUES (concat('updated ', NEW.id));;
CREATE PROCEDURE pr(IN a int, OUT b varchar(10), INOUT c decimal(5,2))
  READS SQL DATA
  COMMENT 'proc'
BEGIN
  /* count things */
  SELECT count(*) INTO b FROM item WHERE id > a;
END;;
CREATE FUNCTION fn(x int) RETURNS int DETERMINISTIC RETURN x + 1;;
CREATE FUNCTION fv(a varchar(5)) RETURNS varchar(10) NO SQL SQL SECURITY INVOKER RETURN concat(a, 'x');;
CREATE FUNCTION fd(a int) RETURNS decimal(10,2) unsigned RETURN a;;
CREATE PROCEDURE p_empty() BEGIN END;;
CREATE EVENT ev_daily ON SCHEDULE EVERY 1 DAY DO DELETE FROM audit WHERE id < 0;;
CREATE EVENT ev_off ON SCHEDULE EVERY 2 HOUR STARTS '2030-01-01 00:00:00' ENDS '2031-01-01 00:00:00' ON COMPLETION PRESERVE DISABLE COMMENT 'off' DO BEGIN DELETE FROM audit WHERE id < 0; END;;
CREATE EVENT ev_once ON SCHEDULE AT '2035-01-01 00:00:00' ON COMPLETION PRESERVE DO DELETE FROM audit;;
DELIMITER ;
ALTER EVENT ev_daily ON COMPLETION PRESERVE;
CREATE SEQUENCE seq1;
CREATE SEQUENCE seq2 start with 10 increment by 5 cache 10;
CREATE SEQUENCE seq3 INCREMENT BY -1 NOCACHE CYCLE;
CREATE SEQUENCE seq4 MINVALUE 5 MAXVALUE 500;
ALTER SEQUENCE seq4 MAXVALUE 900;
DROP TRIGGER IF EXISTS nope;
