import { ArgsType, Field, InputType, registerEnumType } from "type-graphql";
import { PageArgs } from "../shared/connection";
import { SortDirection } from "../shared/ordering";
import { TrustType } from "./device.type";

@InputType({ description: "Conditions on Entra devices; all given conditions must hold." })
export class DeviceFilter {
  @Field(() => String, { nullable: true, description: "Windows, iOS, Android, MacMDM…" })
  operatingSystem?: string | null;

  @Field(() => String, { nullable: true, description: "Operating system version begins with this text, e.g. 10.0.2; empty text is BAD_USER_INPUT." })
  operatingSystemVersionStartsWith?: string | null;

  @Field(() => TrustType, { nullable: true, description: "Devices joined this way." })
  trustType?: TrustType | null;

  @Field(() => Boolean, { nullable: true, description: "Compliant (true) or not (false) with the tenant's device policies." })
  isCompliant?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Managed by an MDM (true) or not (false)." })
  isManaged?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Enabled (true) or disabled (false) in Entra ID." })
  accountEnabled?: boolean | null;

  @Field(() => String, { nullable: true, description: "Display name begins with this text (startsWith); empty text is BAD_USER_INPUT." })
  displayNameStartsWith?: string | null;

  @Field(() => String, { nullable: true, description: "Devices of this profileType, e.g. RegisteredDevice." })
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
registerEnumType(DeviceOrderField, {
  name: "DeviceOrderField",
  description: "A device property to sort by (every device sort is an advanced query).",
  valuesConfig: {
    DISPLAY_NAME: { description: "By displayName." },
    APPROXIMATE_LAST_SIGN_IN_DATE_TIME: { description: "By approximateLastSignInDateTime." },
  },
});

@InputType({ description: "How to sort Entra devices ($orderby)." })
export class DeviceOrder {
  @Field(() => DeviceOrderField, { description: "The property to sort by." })
  field!: DeviceOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: "Ascending (default) or descending." })
  direction!: SortDirection;
}

@ArgsType()
export class DeviceListArgs extends PageArgs {
  @Field(() => DeviceFilter, {
    nullable: true,
    description: "Conditions on the devices, sent as Graph $filter; invalid values are BAD_USER_INPUT naming the field (argument filter.<field>).",
  })
  filter?: DeviceFilter | null;

  @Field(() => String, { nullable: true, description: "Words of the display name (tokenised)." })
  search?: string | null;

  @Field(() => DeviceOrder, { nullable: true, description: "Sort order ($orderby, always an advanced query on devices); without it, Graph's order." })
  orderBy?: DeviceOrder | null;
}
