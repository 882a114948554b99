-- Hand-written MariaDB schema exercising table features (ddlcompare's own fixture).
CREATE TABLE parent (
  id INT(11) NOT NULL AUTO_INCREMENT,
  code VARCHAR(10),
  Name varchar(40) NOT NULL DEFAULT 'x',
  PRIMARY KEY (id),
  UNIQUE KEY (code)
) ENGINE=InnoDB DEFAULT CHARSET=latin1;

CREATE TABLE child (
  id INTEGER UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  parent_id int,
  flag bool DEFAULT '1',
  b bit(1) DEFAULT b'1',
  b8 bit(8) DEFAULT 5,
  price numeric(10,2) DEFAULT '0',
  d dec,
  r real DEFAULT '1e3',
  dp double precision,
  f float(30),
  f2 float(10,2) DEFAULT 1.50,
  z int(5) unsigned zerofill,
  si smallint(6) DEFAULT '-5',
  ti tinyint DEFAULT true,
  name varchar(50) CHARACTER SET utf8 COLLATE utf8_unicode_ci NOT NULL DEFAULT '',
  nm national varchar(10),
  nc nchar(3),
  bin varchar(4) binary,
  asc_col char(2) CHARACTER SET ascii,
  e enum('a','b','it''s') default 'a',
  s set('x','y'),
  j json,
  created timestamp DEFAULT now(),
  updated datetime(3) DEFAULT current_timestamp(3) ON UPDATE CURRENT_TIMESTAMP(3),
  day date DEFAULT 20200101,
  t_at time DEFAULT '10:00',
  dt datetime DEFAULT '2020-01-01',
  yr year(4) DEFAULT 2020,
  g int AS (price * 2) VIRTUAL,
  g2 varchar(20) GENERATED ALWAYS AS (concat(name,'x')) STORED,
  g3 int AS ((si + 1) * 3) PERSISTENT,
  hidden int INVISIBLE comment 'secret',
  t text,
  tt text(300),
  lt long,
  ch char,
  bn binary,
  u uuid,
  ip inet6,
  ex int DEFAULT (1 + 1),
  ex2 varchar(10) DEFAULT (concat('a', 'b')),
  ck int CHECK (ck > 0),
  ck2 varchar(3) CHECK (ck2 in ('a', 'b')),
  CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE,
  FOREIGN KEY (parent_id) REFERENCES parent(id) on delete restrict on update set null,
  KEY (name(10)),
  INDEX ix_desc (price DESC, name),
  FULLTEXT KEY ft (t),
  UNIQUE (name),
  UNIQUE INDEX (name, e),
  CHECK (price > 0),
  CONSTRAINT ck_d CHECK (d<>1 AND (r > 0 OR dp IS NULL)),
  KEY ix_c (e) COMMENT 'hello' USING HASH,
  KEY ix_i (s) IGNORED,
  KEY ix_b USING BTREE (b8),
  KEY ix_full (name(50))
) ENGINE=InnoDB ROW_FORMAT=DYNAMIC AUTO_INCREMENT=100 COMMENT='child table' STATS_PERSISTENT=1 DEFAULT CHARSET utf8mb4;

CREATE TABLE mem (a int, b int NOT NULL, c varchar(5), PRIMARY KEY (b), UNIQUE KEY (a) USING BTREE, KEY k (c) USING HASH) ENGINE=MEMORY;
CREATE TABLE my (a int, b text, KEY (a)) ENGINE=MyISAM PACK_KEYS=1 CHECKSUM=1 MAX_ROWS=100 DEFAULT CHARSET=utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE TABLE aria_t (a int) ENGINE=Aria TRANSACTIONAL=1 PAGE_CHECKSUM=1;
CREATE TABLE inline_refs (a int references parent(id), b varchar(10), c varchar(10), d int key, key(b(10)), key (c(5)));
CREATE TABLE spatial_t (id int primary key, pt point NOT NULL, poly polygon, g geometry, SPATIAL KEY (pt));
CREATE TABLE ver (id int, v varchar(5)) WITH SYSTEM VERSIONING;
CREATE TABLE named_unique (a int, b int, CONSTRAINT uq_ab UNIQUE (a, b), CONSTRAINT UNIQUE KEY uq_b (b));
CREATE TABLE fk_named_idx (id int, pid int, key pid(id), FOREIGN KEY fkidx (pid) REFERENCES parent(id));
CREATE TABLE fk_two (id int, pid int, FOREIGN KEY (pid) REFERENCES parent(id), FOREIGN KEY (pid) REFERENCES parent(id));
CREATE TABLE fk_self (id int primary key, up int, CONSTRAINT fk_up FOREIGN KEY (up) REFERENCES fk_self (id));
CREATE TABLE Upper_Case (ID int, Val int, KEY (val), PRIMARY KEY (id));
CREATE TABLE copy_like LIKE parent;
CREATE TABLE cs_t (a varchar(5) character set utf8mb4, b varchar(5) collate utf8mb4_bin, c varchar(5) character set latin1, d text character set utf8mb4 collate utf8mb4_unicode_ci) default charset=utf8mb4 collate=utf8mb4_unicode_ci;
CREATE TABLE ser (s serial, v int);
