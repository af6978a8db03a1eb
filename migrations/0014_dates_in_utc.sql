-- Dates taken set by hand used to be kept as they were sent ("2021-06-05T14:30:00+02:00"), while
-- those read from files are instants in UTC with the zone apart. Every date becomes an instant in
-- UTC, and the offset it was set with its fixed zone (common/time-zones.ts), which is what the
-- asset's wall clock and instant already say.
UPDATE `exif`
SET `time_zone` = 'UTC' || substr(`date_time_original`, -6),
  `date_time_original` = strftime('%Y-%m-%dT%H:%M:%fZ', `date_time_original`)
WHERE `date_time_original` GLOB '*[+-][0-9][0-9]:[0-9][0-9]';
