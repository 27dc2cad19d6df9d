-- A newer script next to the changed one: never applied, since the changed one is refused first.
ALTER TABLE notes ADD COLUMN author TEXT;
