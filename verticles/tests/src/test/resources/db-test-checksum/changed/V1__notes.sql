-- A script as first released (MigrationsTest): applied once, then changed in ../changed.
CREATE TABLE notes (
  id   INT  PRIMARY KEY,
  body TEXT
);
