import { GraphQLError } from "graphql";
import { customerNotReachable, PartnerGraphError, withHttpStatus } from "../../src/errors";

describe("PartnerGraphError", () => {
  it("is made without a stack trace (an answer, not a defect), and leaves the process's stack limit as it was", () => {
    const limit = Error.stackTraceLimit;
    const e = new PartnerGraphError("ROLE_MISSING", "The agent's roles do not cover this.", { tenantId: "t1", requiredRoles: ["Global Reader"] });
    expect(e.stack ?? "").not.toMatch(/\n\s+at /);
    expect(Error.stackTraceLimit).toBe(limit);
    // Other errors keep theirs.
    expect(new Error("a defect").stack).toMatch(/\n\s+at /);
  });

  it("keeps its type, code, details, path and JSON form", () => {
    const e = new PartnerGraphError("THROTTLED", "Graph throttled this customer.", { tenantId: "t1", retryAfter: 3, requestId: undefined }, ["customers", 0]);
    expect(e).toBeInstanceOf(PartnerGraphError);
    expect(e).toBeInstanceOf(GraphQLError);
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe("THROTTLED");
    expect(e.toJSON()).toEqual({
      message: "Graph throttled this customer.",
      path: ["customers", 0],
      extensions: { code: "THROTTLED", tenantId: "t1", retryAfter: 3 },
    });
    expect(withHttpStatus(customerNotReachable(), 403).extensions).toEqual({ code: "FORBIDDEN", http: { status: 403 } });
  });
});
