import type { ClassType } from "type-graphql";
import { connectionTypes } from "../shared/connection";
import { DirectoryObject, type DirectoryObjectValue } from "./directoryObject.type";

/** connectionTypes takes a class; a union works the same way in a field's type function. */
export const DirectoryObjectConnection = connectionTypes(DirectoryObject as unknown as ClassType<DirectoryObjectValue>, "DirectoryObject");
