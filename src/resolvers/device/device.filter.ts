import { ArgsType, Field, InputType, registerEnumType } from "type-graphql";
import { PageArgs } from "../shared/connection";
import { SortDirection } from "../shared/ordering";
import { TrustType } from "./device.type";

@InputType({ description: "Conditions on Entra devices; all given conditions must hold." })
export class DeviceFilter {
  @Field(() => String, { nullable: true, description: "Windows, iOS, Android, MacMDM…" })
  operatingSystem?: string | null;

  @Field(() => String, { nullable: true })
  operatingSystemVersionStartsWith?: string | null;

  @Field(() => TrustType, { nullable: true })
  trustType?: TrustType | null;

  @Field(() => Boolean, { nullable: true })
  isCompliant?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  isManaged?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  accountEnabled?: boolean | null;

  @Field(() => String, { nullable: true })
  displayNameStartsWith?: string | null;

  @Field(() => String, { nullable: true })
  profileType?: string | null;

  @Field(() => Date, { nullable: true, description: "Last sign-in at or after." })
  lastSignInAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: "Last sign-in at or before (stale devices)." })
  lastSignInBefore?: Date | null;
}

export enum DeviceOrderField {
  DISPLAY_NAME = "displayName",
  APPROXIMATE_LAST_SIGN_IN_DATE_TIME = "approximateLastSignInDateTime",
}
registerEnumType(DeviceOrderField, { name: "DeviceOrderField" });

@InputType()
export class DeviceOrder {
  @Field(() => DeviceOrderField)
  field!: DeviceOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC })
  direction!: SortDirection;
}

@ArgsType()
export class DeviceListArgs extends PageArgs {
  @Field(() => DeviceFilter, { nullable: true })
  filter?: DeviceFilter | null;

  @Field(() => String, { nullable: true, description: "Words of the display name (tokenised)." })
  search?: string | null;

  @Field(() => DeviceOrder, { nullable: true })
  orderBy?: DeviceOrder | null;
}
