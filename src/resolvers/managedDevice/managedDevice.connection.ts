import { connectionTypes } from "../shared/connection";
import { ManagedDevice } from "./managedDevice.type";

export const ManagedDeviceConnection = connectionTypes(ManagedDevice, "ManagedDevice");
