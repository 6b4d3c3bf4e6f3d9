import { CALENDAR_FOLDER_ID, ROOT_FOLDER_ID, type FakeFolder, type FakeMailbox } from "@/tests/fakes/ews/mailbox";
import { at, attributes, esc, list, obj, str, type Node } from "@/tests/fakes/ews/item-xml";

/**
 * Folders as EWS names and answers them: a FolderId or a DistinguishedFolderId in a request, GetFolder
 * and FindFolder (Shallow or Deep, IndexedPageFolderView paging) with the folder shapes of
 * types.xsd — IdOnly gives the id and what AdditionalProperties ask for, Default adds DisplayName,
 * TotalCount and ChildFolderCount.
 */

const DISTINGUISHED: Record<string, string> = { calendar: CALENDAR_FOLDER_ID, msgfolderroot: ROOT_FOLDER_ID, root: ROOT_FOLDER_ID };

export const FOLDER_NOT_FOUND = { code: "ErrorFolderNotFound", text: "The specified folder could not be found in the store." };

/** The folder a FolderId / DistinguishedFolderId element names, or null when the mailbox has none such. */
export function folderNamed(mailbox: FakeMailbox, holder: Node | undefined): string | null {
  const distinguished = obj(holder?.DistinguishedFolderId);
  if (distinguished) return DISTINGUISHED[at(distinguished, "Id") ?? ""] ?? null;
  const id = at(obj(holder?.FolderId), "Id");
  if (id === ROOT_FOLDER_ID) return id;
  return id && mailbox.folders.has(id) ? id : null;
}

type FolderField = "ParentFolderId" | "FolderClass" | "DisplayName" | "TotalCount" | "ChildFolderCount";
const FIELD_URIS: Record<string, FolderField> = { "folder:ParentFolderId": "ParentFolderId", "folder:FolderClass": "FolderClass", "folder:DisplayName": "DisplayName", "folder:TotalCount": "TotalCount", "folder:ChildFolderCount": "ChildFolderCount" };
const ORDER: FolderField[] = ["ParentFolderId", "FolderClass", "DisplayName", "TotalCount", "ChildFolderCount"];

/** The fields a FolderShape asks for, in the schema's order. */
export function folderShape(node: Node): Set<FolderField> {
  const shape = obj(node.FolderShape);
  const base = str(shape?.BaseShape) ?? "IdOnly";
  const fields = new Set<FolderField>(base === "AllProperties" ? ORDER : base === "Default" ? ["DisplayName", "TotalCount", "ChildFolderCount"] : []);
  for (const uri of list(obj(shape?.AdditionalProperties)?.FieldURI)) {
    const field = FIELD_URIS[attributes(uri).FieldURI ?? ""];
    if (field) fields.add(field);
  }
  return fields;
}

export function folderXml(mailbox: FakeMailbox, folder: FakeFolder, fields: Set<FolderField>): string {
  const element = folder.folderClass.startsWith("IPF.Appointment") ? "CalendarFolder" : "Folder";
  const values: Record<FolderField, string> = {
    ParentFolderId: `<t:ParentFolderId Id="${folder.parentId}" ChangeKey="AQAAAA=="/>`,
    FolderClass: `<t:FolderClass>${esc(folder.folderClass)}</t:FolderClass>`,
    DisplayName: `<t:DisplayName>${esc(folder.name)}</t:DisplayName>`,
    TotalCount: `<t:TotalCount>${mailbox.itemsIn(folder.id).length}</t:TotalCount>`,
    ChildFolderCount: `<t:ChildFolderCount>${mailbox.foldersBelow(folder.id, false).length}</t:ChildFolderCount>`,
  };
  return `<t:${element}><t:FolderId Id="${folder.id}" ChangeKey="${folder.changeKey}"/>${ORDER.filter((field) => fields.has(field)).map((field) => values[field]).join("")}</t:${element}>`;
}

/** FindFolder's RootFolder for one parent: the folders below it, a page of them. */
export function findFolderRoot(mailbox: FakeMailbox, node: Node, parentId: string): string {
  const deep = at(node, "Traversal") === "Deep";
  const view = obj(node.IndexedPageFolderView);
  const all = mailbox.foldersBelow(parentId, deep);
  const offset = Number(at(view, "Offset") ?? 0);
  const max = Number(at(view, "MaxEntriesReturned") ?? all.length);
  const page = at(view, "BasePoint") === "End" ? all.slice(Math.max(all.length - offset - max, 0), all.length - offset) : all.slice(offset, offset + max);
  const last = at(view, "BasePoint") === "End" ? all.length - offset - max <= 0 : offset + page.length >= all.length;
  const fields = folderShape(node);
  return `<m:RootFolder IndexedPagingOffset="${offset + page.length}" TotalItemsInView="${all.length}" IncludesLastItemInRange="${last}"><t:Folders>${page.map((folder) => folderXml(mailbox, folder, fields)).join("")}</t:Folders></m:RootFolder>`;
}
