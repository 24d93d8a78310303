-- The Prefect server keeps its state in a database of its own.
CREATE USER prefect WITH PASSWORD 'change-me';
CREATE DATABASE prefect OWNER prefect;
