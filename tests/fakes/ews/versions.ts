/**
 * Schema versions, as Exchange applies them to a request: a RequestServerVersion newer than the
 * server (or unknown to it) is refused with ErrorInvalidServerVersion, and a request is validated
 * against the schema of the version it names, so an element that version lacks fails with
 * ErrorSchemaValidation — as Exchange 2013 answers a StartTimeZone sent as Exchange2007
 * (jamesiarmes/php-ews#363).
 */

export const VERSIONS = [
  "Exchange2007",
  "Exchange2007_SP1",
  "Exchange2010",
  "Exchange2010_SP1",
  "Exchange2010_SP2",
  "Exchange2013",
  "Exchange2013_SP1",
  "Exchange2015",
  "Exchange2016",
  "V2015_10_05",
  "V2016_01_06",
  "V2016_04_13",
  "V2016_07_13",
  "V2016_10_10",
  "V2017_01_07",
  "V2017_04_14",
  "V2017_07_11",
  "V2017_10_09",
  "V2018_01_08",
] as const;

const rank = (version: string) => VERSIONS.indexOf(version as (typeof VERSIONS)[number]);

/** Calendar elements and field URIs the operations here use, by the first version whose schema has them (types.xsd, messages.xsd). */
const INTRODUCED: { pattern: RegExp; name: string; since: string }[] = [
  { pattern: /<(?:\w+:)?StartTimeZone[\s>/]/, name: "StartTimeZone", since: "Exchange2010" },
  { pattern: /<(?:\w+:)?EndTimeZone[\s>/]/, name: "EndTimeZone", since: "Exchange2010" },
  { pattern: /FieldURI="calendar:(?:Start|End)TimeZone"/, name: "FieldURI calendar:StartTimeZone/EndTimeZone", since: "Exchange2010" },
  { pattern: /<(?:\w+:)?SyncScope[\s>/]/, name: "SyncScope", since: "Exchange2010" },
  { pattern: /<(?:\w+:)?NumberOfDays[\s>/]/, name: "NumberOfDays", since: "Exchange2013" },
  { pattern: /<(?:\w+:)?(?:Start|End)TimeZoneId[\s>/]/, name: "StartTimeZoneId/EndTimeZoneId", since: "Exchange2013" },
];

export type VersionRefusal = { code: "ErrorInvalidServerVersion" | "ErrorSchemaValidation"; text: string };

/** Why a server at `serverVersion` refuses a request at `requested` carrying `body`, or null. */
export function versionRefusal(serverVersion: string, requested: string, body: string): VersionRefusal | null {
  const asked = rank(requested);
  if (asked < 0 || asked > rank(serverVersion)) return { code: "ErrorInvalidServerVersion", text: "The specified server version is invalid." };
  const missing = INTRODUCED.find(({ pattern, since }) => asked < rank(since) && pattern.test(body));
  return missing ? { code: "ErrorSchemaValidation", text: `The request failed schema validation: ${missing.name} is not part of the ${requested} schema.` } : null;
}

/** The responses' schema: items read at Exchange2007_SP1 carry MeetingTimeZone, not Start/EndTimeZone. */
export const hasZoneDefinitions = (requested: string) => rank(requested) >= rank("Exchange2010");
