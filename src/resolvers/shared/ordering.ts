import { registerEnumType } from "type-graphql";

export enum SortDirection {
  ASC = "ASC",
  DESC = "DESC",
}
registerEnumType(SortDirection, {
  name: "SortDirection",
  description: "Sort direction of a list's orderBy.",
  valuesConfig: { ASC: { description: "Ascending: A to Z, oldest first." }, DESC: { description: "Descending: Z to A, newest first." } },
});
