import { buildSchema, executeSync, parse, validate, type GraphQLResolveInfo } from "graphql";
import { graphSelect, isSelected, selectedFields, selectedNodeFields } from "../../../../src/resolvers/shared/selection";

/**
 * What the resolvers ask Graph for ($select, $count) is read from the operation's selection. These
 * tests run real operations through graphql-js and read the `info` a resolver would get.
 */
const schema = buildSchema(`
  interface DirectoryObject { id: ID! displayName: String }
  type User implements DirectoryObject { id: ID! displayName: String mail: String manager: User }
  type Group implements DirectoryObject { id: ID! displayName: String kind: String }
  type Device implements DirectoryObject { id: ID! displayName: String trustType: String }
  "Members of a group: every directory object kind."
  union Member = User | Group | Device
  "Who can own something: overlaps Member and DirectoryObject, but is neither."
  union Principal = User | Group
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type UserEdge { cursor: String! node: User! }
  type UserConnection { totalCount: Int nodes: [User!]! edges: [UserEdge!]! pageInfo: PageInfo! }
  type MemberEdge { cursor: String! node: Member! }
  type MemberConnection { totalCount: Int nodes: [Member!]! edges: [MemberEdge!]! }
  type Query {
    users: UserConnection
    members: MemberConnection
    user: User
    object: DirectoryObject
    owner: Principal
  }
`);

/** The info the resolver of root field `field` gets for `query` (which must be valid against the schema). */
function infoOf(query: string, field: string, variables: Record<string, unknown> = {}): GraphQLResolveInfo {
  const document = parse(query);
  expect(validate(schema, document)).toEqual([]);
  let captured: GraphQLResolveInfo | undefined;
  const capture = (_args: unknown, _context: unknown, info: GraphQLResolveInfo) => {
    captured = info;
    return null;
  };
  const result = executeSync({ schema, document, variableValues: variables, rootValue: { [field]: capture } });
  expect(result.errors).toBeUndefined();
  if (!captured) throw new Error(`the resolver of ${field} did not run`);
  return captured;
}

const sorted = (s: ReadonlySet<string>) => [...s].sort();

describe("selectedNodeFields: the fields of a connection's nodes", () => {
  it("reads nodes { … } and edges { node { … } }, together, and nothing of the connection itself", () => {
    const info = infoOf(`{ users { totalCount pageInfo { endCursor } nodes { id displayName } edges { cursor node { mail } } } }`, "users");
    expect(sorted(selectedNodeFields(info, "User"))).toEqual(["displayName", "id", "mail"]);
  });

  it("takes a node's own fields, not those of the objects it links to", () => {
    const info = infoOf(`{ users { nodes { id manager { mail displayName } } } }`, "users");
    expect(sorted(selectedNodeFields(info, "User"))).toEqual(["id", "manager"]);
  });

  it("merges every occurrence of the field in the operation (several field nodes, one response key)", () => {
    const info = infoOf(`{ users { nodes { id } } users { edges { node { displayName } } } }`, "users");
    expect(info.fieldNodes).toHaveLength(2);
    expect(sorted(selectedNodeFields(info, "User"))).toEqual(["displayName", "id"]);
  });

  it("is empty when no node is selected", () => {
    expect(selectedNodeFields(infoOf(`{ users { totalCount } }`, "users"), "User").size).toBe(0);
  });
});

describe("selectedFields: fragments", () => {
  it("follows named fragments on the node type, nested fragments included", () => {
    const info = infoOf(
      `{ users { nodes { ...UserCard } } }
       fragment UserCard on User { id ...Contact }
       fragment Contact on User { mail }`,
      "users",
    );
    expect(sorted(selectedNodeFields(info, "User"))).toEqual(["id", "mail"]);
  });

  it("follows inline fragments on the node type, and on an interface it implements", () => {
    const info = infoOf(`{ users { nodes { ... on User { mail } ... on DirectoryObject { displayName } ... { id } } } }`, "users");
    expect(sorted(selectedNodeFields(info, "User"))).toEqual(["displayName", "id", "mail"]);
  });

  it("takes, for each member of a union, its own fragment and the interface's, not the other members'", () => {
    const info = infoOf(
      `{ members { nodes { __typename ... on User { mail } ... on Group { kind } ... on DirectoryObject { id } ...DeviceFields } } }
       fragment DeviceFields on Device { trustType }`,
      "members",
    );
    expect(sorted(selectedNodeFields(info, "Group"))).toEqual(["__typename", "id", "kind"]);
    expect(sorted(selectedNodeFields(info, "User"))).toEqual(["__typename", "id", "mail"]);
    expect(sorted(selectedNodeFields(info, "Device"))).toEqual(["__typename", "id", "trustType"]);
  });

  it("takes fragments on a union the object belongs to", () => {
    const info = infoOf(`{ members { nodes { ... on Principal { ... on User { displayName } } } } }`, "members");
    expect(sorted(selectedNodeFields(info, "User"))).toEqual(["displayName"]);
    expect(selectedNodeFields(info, "Device").size).toBe(0);
  });

  it("for an abstract type, takes fragments on its possible types and on abstract types that overlap it", () => {
    const info = infoOf(`{ object { id ... on User { mail } ... on Principal { __typename } } }`, "object");
    expect(sorted(selectedFields(info, "DirectoryObject"))).toEqual(["__typename", "id", "mail"]);
    // Asked for another object type, only what applies to it.
    expect(sorted(selectedFields(info, "Device"))).toEqual(["id"]);
    expect(sorted(selectedFields(info, "Group"))).toEqual(["__typename", "id"]);
  });

  it("answers nothing for a type the schema does not know", () => {
    const info = infoOf(`{ object { ... on User { mail } } }`, "object");
    expect(selectedFields(info, "Nope").size).toBe(0);
  });

  // Frontends often write a fragment per page type (`fragment UserPage on UserConnection { nodes { … } }`).
  // The type condition names the connection, not the node type asked for: such a fragment was not
  // followed, so its node fields were missing from $select (and answered null). Found by these tests.
  it("follows fragments on the connection type itself", () => {
    const info = infoOf(
      `{ users { ...UserPage ... on UserConnection { edges { node { mail } } } } }
       fragment UserPage on UserConnection { nodes { displayName } }`,
      "users",
    );
    expect(sorted(selectedNodeFields(info, "User"))).toEqual(["displayName", "mail"]);
  });
});

describe("selectedFields: @skip and @include, with the operation's variables", () => {
  const query = `query($withMail: Boolean!, $skipName: Boolean!, $skipCard: Boolean = false) {
    users {
      nodes { id mail @include(if: $withMail) displayName @skip(if: $skipName) ...Card @skip(if: $skipCard) ... on User @include(if: false) { kind: displayName } }
      edges @skip(if: true) { node { manager { id } } }
    }
  }
  fragment Card on User { manager { id } }`;

  it("leaves out what execution leaves out", () => {
    expect(sorted(selectedNodeFields(infoOf(query, "users", { withMail: false, skipName: true }), "User"))).toEqual(["id", "manager"]);
    expect(sorted(selectedNodeFields(infoOf(query, "users", { withMail: true, skipName: false, skipCard: true }), "User"))).toEqual([
      "displayName",
      "id",
      "mail",
    ]);
  });

  it("keeps a field selected twice when one occurrence is included", () => {
    const info = infoOf(`query($v: Boolean!) { user { mail @skip(if: $v) mail @include(if: $v) } }`, "user", { v: true });
    expect(sorted(selectedFields(info, "User"))).toEqual(["mail"]);
  });

  it("reads literal conditions too", () => {
    const info = infoOf(`{ user { id @include(if: true) mail @include(if: false) displayName @skip(if: false) } }`, "user");
    expect(sorted(selectedFields(info, "User"))).toEqual(["displayName", "id"]);
  });
});

describe("selectedFields: paths", () => {
  it("takes the direct children by default", () => {
    const info = infoOf(`{ user { id manager { mail } } }`, "user");
    expect(sorted(selectedFields(info, "User"))).toEqual(["id", "manager"]);
  });

  it("follows any path given, through fragments on the way", () => {
    const info = infoOf(`{ user { manager { ... on User { manager { displayName } } } } }`, "user");
    expect(sorted(selectedFields(info, "User", [["manager", "manager"]]))).toEqual(["displayName"]);
    expect(sorted(selectedFields(info, "User", [["manager"]]))).toEqual(["manager"]);
    expect(selectedFields(info, "User", [["nodes"]]).size).toBe(0);
  });
});

describe("isSelected: a direct child of the current field", () => {
  it("sees totalCount selected directly, in an inline fragment or in a named fragment on the connection", () => {
    expect(isSelected(infoOf(`{ users { totalCount nodes { id } } }`, "users"), "totalCount")).toBe(true);
    expect(isSelected(infoOf(`{ users { ... on UserConnection { totalCount } } }`, "users"), "totalCount")).toBe(true);
    expect(isSelected(infoOf(`{ users { ...Count } } fragment Count on UserConnection { totalCount }`, "users"), "totalCount")).toBe(true);
  });

  it("does not see it when absent, skipped, or only deeper", () => {
    expect(isSelected(infoOf(`{ users { nodes { id } } }`, "users"), "totalCount")).toBe(false);
    expect(isSelected(infoOf(`query($c: Boolean!) { users { totalCount @include(if: $c) } }`, "users", { c: false }), "totalCount")).toBe(false);
    expect(isSelected(infoOf(`{ members { edges { node { __typename } } } }`, "members"), "node")).toBe(false);
  });
});

describe("graphSelect: selected fields to Graph properties", () => {
  const map = { displayName: ["displayName"], mail: ["mail", "otherMails"], manager: [], kind: ["groupTypes", "mailEnabled", "securityEnabled"] };

  it("always asks for id, maps each field to its properties, once each, sorted", () => {
    expect(graphSelect(["mail", "displayName", "kind", "displayName"], map)).toEqual([
      "displayName",
      "groupTypes",
      "id",
      "mail",
      "mailEnabled",
      "otherMails",
      "securityEnabled",
    ]);
  });

  it("asks for nothing more for fields that are not Graph properties (links, __typename) or unknown", () => {
    expect(graphSelect(["manager", "__typename", "nope"], map)).toEqual(["id"]);
    expect(graphSelect(new Set<string>(), map)).toEqual(["id"]);
  });

  it("composes with selectedNodeFields", () => {
    const info = infoOf(`{ users { nodes { __typename mail manager { id } } } }`, "users");
    expect(graphSelect(selectedNodeFields(info, "User"), map)).toEqual(["id", "mail", "otherMails"]);
  });
});

describe("one analysis per selection and operation, shared by the items of a list", () => {
  const document = parse(`query($mail: Boolean!) { users { nodes { id manager { displayName mail @include(if: $mail) } } } }`);

  /** The infos of `manager` under every listed user, for one operation of `document`. */
  function managerInfos(variables: Record<string, unknown>): GraphQLResolveInfo[] {
    const infos: GraphQLResolveInfo[] = [];
    const manager = (_args: unknown, _context: unknown, info: GraphQLResolveInfo) => (infos.push(info), null);
    const result = executeSync({ schema, document, variableValues: variables, rootValue: { users: { nodes: [1, 2, 3].map((id) => ({ id, manager })) } } });
    expect(result.errors).toBeUndefined();
    return infos;
  }

  it("walks a field's selection once for all the items, and maps it to Graph properties once", () => {
    const infos = managerInfos({ mail: true });
    expect(infos).toHaveLength(3);
    const [a, b, c] = infos.map((i) => selectedFields(i, "User"));
    expect(sorted(a!)).toEqual(["displayName", "mail"]);
    expect(b).toBe(a);
    expect(c).toBe(a);
    const map = { displayName: ["displayName"], mail: ["mail"] };
    expect(graphSelect(b!, map)).toBe(graphSelect(a!, map));
    expect(graphSelect(a!, map)).toEqual(["displayName", "id", "mail"]);
  });

  it("follows each operation's own variables", () => {
    expect(sorted(selectedFields(managerInfos({ mail: false })[0]!, "User"))).toEqual(["displayName"]);
    expect(sorted(selectedFields(managerInfos({ mail: true })[0]!, "User"))).toEqual(["displayName", "mail"]);
  });
});
