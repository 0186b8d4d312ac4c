import { connectionTypes } from "../shared/connection";
import { User } from "./user.type";

export const UserConnection = connectionTypes(User, "User");
