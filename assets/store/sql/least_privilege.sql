-- Least-privilege roles for the customer-master CRM store on PostgreSQL.
--
--   crm_writer  the pipeline: logs in, creates the store tables on first publish
--               (it owns them) and reads/inserts/updates/deletes their rows.
--   crm_reader  the CRM loader: logs in and may only SELECT from the store tables,
--               including tables crm_writer creates later (default privileges).
--
-- Neither role is a superuser, may create databases or roles, replicate, bypass
-- row security, or create temporary tables.
--
-- Run it with psql, as a superuser (or the database owner with CREATEROLE), connected
-- to the CRM database; it is idempotent, so running it again only re-sets
-- passwords and re-applies the grants:
--
--   psql "postgresql://postgres@db.example/crm" -v ON_ERROR_STOP=1 \
--        -v writer_password="$CRM_WRITER_PASSWORD" \
--        -v reader_password="$CRM_READER_PASSWORD" \
--        [-v schema=crm] \
--        -f assets/store/sql/least_privilege.sql
--
-- psql variables (the script stops with an error when a required one is missing):
--   writer_password  required   password of crm_writer
--   reader_password  required   password of crm_reader
--   schema           optional   schema that holds the store tables (default public;
--                               created if missing). The pipeline creates its tables
--                               in the first schema of crm_writer's search_path, which
--                               this script sets to this schema.
-- The database is the one psql is connected to (psql's DBNAME).
--
-- It also takes CONNECT and TEMPORARY on this database, and CREATE on the schema
-- (and on schema public), away from PUBLIC (every role), so only the roles granted here, the owner and
-- superusers can use the database. Leave that out if other roles share it.
-- Passwords are sent as literals: keep log_statement below 'ddl' while running it
-- (the default 'none' is fine) so they do not reach the server log.

\set ON_ERROR_STOP on
\if :{?schema}
\else
  \set schema public
\endif
\if :{?writer_password}
\else
  \warn 'least_privilege.sql: set the password of crm_writer with -v writer_password=...'
  SELECT 1 / 0 AS missing_writer_password;
\endif
\if :{?reader_password}
\else
  \warn 'least_privilege.sql: set the password of crm_reader with -v reader_password=...'
  SELECT 1 / 0 AS missing_reader_password;
\endif

BEGIN;

-- Roles: created when missing, attributes and passwords (re)set every time.
SELECT 'CREATE ROLE crm_writer'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'crm_writer') \gexec
SELECT 'CREATE ROLE crm_reader'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'crm_reader') \gexec
ALTER ROLE crm_writer WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    INHERIT PASSWORD :'writer_password';
ALTER ROLE crm_reader WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    INHERIT PASSWORD :'reader_password';

-- Database: connect, nothing else (no TEMPORARY, no CREATE SCHEMA).
REVOKE CONNECT, TEMPORARY ON DATABASE :"DBNAME" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"DBNAME" TO crm_writer, crm_reader;

-- Schema: the writer may create the store tables in it, the reader only look them up.
CREATE SCHEMA IF NOT EXISTS :"schema";
REVOKE CREATE ON SCHEMA :"schema" FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;  -- PostgreSQL 15's default; older ones grant it
GRANT USAGE, CREATE ON SCHEMA :"schema" TO crm_writer;
GRANT USAGE ON SCHEMA :"schema" TO crm_reader;
ALTER ROLE crm_writer IN DATABASE :"DBNAME" SET search_path = :"schema";
ALTER ROLE crm_reader IN DATABASE :"DBNAME" SET search_path = :"schema";

-- Store tables that already exist in the schema (e.g. created by an administrator
-- or an older deployment): the writer gets the DML the publish needs, the reader
-- SELECT; the writer may also draw ids from their sequences (crm_changes, …).
SELECT format('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE %I.%I TO crm_writer',
              schemaname, tablename),
       format('GRANT SELECT ON TABLE %I.%I TO crm_reader', schemaname, tablename)
  FROM pg_tables
 WHERE schemaname = :'schema' \gexec
SELECT format('GRANT USAGE, SELECT ON SEQUENCE %I.%I TO crm_writer', schemaname, sequencename)
  FROM pg_sequences
 WHERE schemaname = :'schema' \gexec

-- Tables crm_writer creates from now on (it owns them, so it has every privilege on
-- them itself): readable by crm_reader, and nothing for anyone else.
ALTER DEFAULT PRIVILEGES FOR ROLE crm_writer IN SCHEMA :"schema"
    GRANT SELECT ON TABLES TO crm_reader;
-- Tables the role running this file creates there later (e.g. a migration run by an
-- administrator): the same grants as on the existing store tables above.
ALTER DEFAULT PRIVILEGES IN SCHEMA :"schema"
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO crm_writer;
ALTER DEFAULT PRIVILEGES IN SCHEMA :"schema"
    GRANT SELECT ON TABLES TO crm_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA :"schema"
    GRANT USAGE, SELECT ON SEQUENCES TO crm_writer;

COMMIT;
