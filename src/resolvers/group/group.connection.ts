import { connectionTypes } from "../shared/connection";
import { Group } from "./group.type";

export const GroupConnection = connectionTypes(Group, "Group");
