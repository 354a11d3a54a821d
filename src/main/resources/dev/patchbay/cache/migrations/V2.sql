-- The bundle a channel serves (null = the app's builtin assets).
ALTER TABLE cached_channel ADD COLUMN bundle VARCHAR(100);
