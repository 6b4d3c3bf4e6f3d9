import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { memoryPages, validateXML, type XMLFileInfo } from "xmllint-wasm";

/**
 * Validates whole SOAP messages against Microsoft's EWS schema (messages.xsd, types.xsd) with
 * libxml2. The EWS schema describes only what goes inside the envelope, so each message is checked
 * through a small envelope schema that lets nothing else through: a request's Header holds types.xsd
 * elements and its Body one messages.xsd element; an answer's Header holds t:ServerVersionInfo and
 * its Body either one messages.xsd element or a SOAP 1.1 Fault.
 */

const SOAP = "http://schemas.xmlsoap.org/soap/envelope/";
const M = "http://schemas.microsoft.com/exchange/services/2006/messages";
const T = "http://schemas.microsoft.com/exchange/services/2006/types";

/** The schema folder is missing a file, or holds a copy this checker cannot repair. */
export class SchemaError extends Error {}

/**
 * types.xsd imports the XML namespace without a schemaLocation, which libxml2 cannot resolve; only
 * xml:lang is used, so this declares just that attribute (as the W3C's xml.xsd does).
 */
const XML_NAMESPACE_XSD = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.w3.org/XML/1998/namespace"><xs:attribute name="lang"><xs:simpleType><xs:union memberTypes="xs:language"><xs:simpleType><xs:restriction base="xs:string"><xs:enumeration value=""/></xs:restriction></xs:simpleType></xs:union></xs:simpleType></xs:attribute></xs:schema>`;

const envelopeXsd = (header: string, body: string) => `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:s="${SOAP}" xmlns:t="${T}" targetNamespace="${SOAP}" elementFormDefault="qualified">
  <xs:import namespace="http://www.w3.org/XML/1998/namespace" schemaLocation="xml.xsd"/>
  <xs:import namespace="${M}" schemaLocation="messages.xsd"/>
  <xs:import namespace="${T}" schemaLocation="types.xsd"/>
  <xs:element name="Envelope"><xs:complexType><xs:sequence>
    <xs:element name="Header" ${header}
    <xs:element name="Body"><xs:complexType><xs:choice>${body}</xs:choice></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>
  <!-- SOAP 1.1's Fault: its children are unqualified. -->
  <xs:element name="Fault"><xs:complexType><xs:sequence>
    <xs:element name="faultcode" type="xs:QName" form="unqualified"/>
    <xs:element name="faultstring" form="unqualified"><xs:complexType><xs:simpleContent><xs:extension base="xs:string"><xs:attribute ref="xml:lang"/></xs:extension></xs:simpleContent></xs:complexType></xs:element>
    <xs:element name="faultactor" type="xs:anyURI" form="unqualified" minOccurs="0"/>
    <xs:element name="detail" form="unqualified" minOccurs="0"><xs:complexType><xs:sequence><xs:any namespace="##any" processContents="lax" minOccurs="0" maxOccurs="unbounded"/></xs:sequence><xs:anyAttribute processContents="lax"/></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>`;

const REQUEST_ENVELOPE = envelopeXsd(
  `minOccurs="0"><xs:complexType><xs:sequence><xs:any namespace="${T}" processContents="strict" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element>`,
  `<xs:any namespace="${M}" processContents="strict"/>`,
);
const RESPONSE_ENVELOPE = envelopeXsd(`><xs:complexType><xs:sequence><xs:element ref="t:ServerVersionInfo"/></xs:sequence></xs:complexType></xs:element>`, `<xs:element ref="s:Fault"/><xs:any namespace="${M}" processContents="strict"/>`);

/** Replaces `from` once, and fails loudly when a different copy of the schema no longer has it. */
function patch(text: string, from: string | RegExp, to: string, why: string): string {
  const patched = text.replace(from, to);
  if (patched === text) throw new SchemaError(`types.xsd does not have the expected text to patch (${why}).`);
  return patched;
}

/**
 * The schema directory's files with two in-memory repairs (the files on disk stay as Microsoft
 * publishes them): the XML namespace import gets a location, and ArrayOfTransitionsType's sequence
 * `AbsoluteDateTransition*, RecurringDayTransition*, RecurringDateTransition*, Transition*`, which
 * libxml2 refuses as non-deterministic because the three are in Transition's substitution group,
 * becomes `Transition*` — the same language, since the last particle alone already accepts all four
 * in any order.
 */
export function loadSchema(directory: string): XMLFileInfo[] {
  const read = (name: string) => {
    const file = path.join(directory, name);
    if (!existsSync(file)) throw new SchemaError(`${file} is missing.`);
    return readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  };
  let types = read("types.xsd");
  types = patch(types, `<xs:import namespace="http://www.w3.org/XML/1998/namespace"/>`, `<xs:import namespace="http://www.w3.org/XML/1998/namespace" schemaLocation="xml.xsd"/>`, "the xml:lang import");
  types = patch(
    types,
    /(<xs:complexType name="ArrayOfTransitionsType">\s*<xs:sequence>)[\s\S]*?(<\/xs:sequence>)/,
    `$1<xs:element ref="t:Transition" minOccurs="0" maxOccurs="unbounded"/>$2`,
    "ArrayOfTransitionsType",
  );
  return [
    { fileName: "messages.xsd", contents: read("messages.xsd") },
    { fileName: "types.xsd", contents: types },
    { fileName: "xml.xsd", contents: XML_NAMESPACE_XSD },
  ];
}

export interface Checked {
  name: string;
  errors: string[];
}

/** Validates every document in one libxml2 run (compiling the schema once); errors per document. */
export async function validate(schema: XMLFileInfo[], kind: "request" | "response", documents: { name: string; xml: string }[]): Promise<Checked[]> {
  if (documents.length === 0) return [];
  const result = await validateXML({
    xml: documents.map(({ name, xml }) => ({ fileName: name, contents: xml })),
    schema: { fileName: "envelope.xsd", contents: kind === "request" ? REQUEST_ENVELOPE : RESPONSE_ENVELOPE },
    preload: schema,
    maxMemoryPages: memoryPages.GiB,
  });
  const names = new Set(documents.map(({ name }) => name));
  // libxml2 ends each invalid document with a "<name> fails to validate" line of its own.
  const unplaced = result.errors.filter((error) => !(error.loc && names.has(error.loc.fileName)) && ![...names].some((name) => error.rawMessage === `${name} fails to validate`));
  if (unplaced.length > 0) throw new Error(`xmllint: ${unplaced.map((error) => error.rawMessage).join("\n")}`);
  return documents.map(({ name }) => ({
    name,
    errors: result.errors.filter((error) => error.loc?.fileName === name).map((error) => error.message),
  }));
}
