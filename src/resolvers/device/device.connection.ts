import { connectionTypes } from "../shared/connection";
import { Device } from "./device.type";

export const DeviceConnection = connectionTypes(Device, "Device");
